using Spgd.Core.Models.Bkse;

namespace Spgd.Core.Operators;

/// <summary>
/// What the nonlinear blur needs beyond the task name: BKSE's trained KernelWizard (the reference uses the
/// GOPRO_wVAE checkpoint, which cannot be downloaded by the project, so its path must be given), the network's
/// options, and optionally the kernel code (by default drawn as the reference draws it).
/// </summary>
/// <param name="Checkpoint">The KernelWizard state dict (<c>GOPRO_wVAE.pth</c>; torch.save zip/legacy or safetensors).</param>
public sealed record NonlinearBlurSettings(string? Checkpoint)
{
    /// <summary>The default <see cref="Options"/>: the published model's architecture.</summary>
    public const string DefaultOptions = KernelWizardOptions.GoproWvaePreset;

    /// <summary>
    /// The network's options: a preset name (<c>gopro_wvae</c>) or a BKSE option file (YAML with a <c>KernelWizard</c>
    /// section, e.g. <c>options/generate_blur/default.yml</c>).
    /// </summary>
    public string Options { get; init; } = DefaultOptions;

    /// <summary>Optional .npy kernel code [1, 8·nf, H/128, W/128]; by default NumPy's <c>seed(0)</c> normals × 1.2 as the reference.</summary>
    public string? KernelCodePath { get; init; }

    /// <summary>The one-line problem when no checkpoint is given: what to provide, and where.</summary>
    public const string MissingCheckpoint =
        "nonlinear_blur needs BKSE's trained KernelWizard (GOPRO_wVAE.pth, from the blur-kernel-space-exploring model zoo): " +
        "give its path as operator.checkpoint in a job spec or --blur-model on the CLI";

    /// <summary>Whether <see cref="Options"/> names a preset rather than a file.</summary>
    public bool OptionsIsPreset => KernelWizardOptions.Presets.ContainsKey(Options);

    /// <summary>Every problem (empty when valid), each naming the setting.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Checkpoint)) problems.Add("Checkpoint: " + MissingCheckpoint);
        else if (!File.Exists(Checkpoint)) problems.Add($"Checkpoint: file not found: {Checkpoint}");
        if (string.IsNullOrWhiteSpace(Options))
            problems.Add($"Options: missing; give a preset ({string.Join(", ", KernelWizardOptions.Presets.Keys)}) or a BKSE option file");
        else if (!OptionsIsPreset && !File.Exists(Options))
            problems.Add($"Options: '{Options}' is neither a preset ({string.Join(", ", KernelWizardOptions.Presets.Keys)}) nor an existing option file");
        if (KernelCodePath is not null && !File.Exists(KernelCodePath)) problems.Add($"KernelCodePath: file not found: {KernelCodePath}");
        return problems;
    }

    /// <summary>The network options: the preset, or the option file's <c>KernelWizard</c> section.</summary>
    /// <exception cref="InvalidDataException">The option file is malformed.</exception>
    public KernelWizardOptions LoadOptions() =>
        KernelWizardOptions.Presets.TryGetValue(Options, out var preset) ? preset : KernelWizardOptions.FromYamlFile(Options);
}
