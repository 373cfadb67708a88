namespace Spgd.Vocabulary;

/// <summary>
/// The comparison baselines of the paper's Table 1 by name, and which tasks each can run: the one definition that the
/// job spec's validator, the sweep, the CLI and Core's <c>BaselineSamplers</c> read. Each baseline runs at its own
/// protocol settings (docs/evaluation.md, "Baseline samplers").
/// </summary>
public static class BaselineMethods
{
    /// <summary>DPS by its protocol: 1,000 ancestral DDPM steps, ζ of its released config per task.</summary>
    public const string Dps = "dps";

    /// <summary>DDRM: 20 steps, η = 0.85, η_B = 1, over the operator's SVD.</summary>
    public const string Ddrm = "ddrm";

    /// <summary>DiffPIR: 20 steps with the operator's data proximal step.</summary>
    public const string DiffPir = "diffpir";

    /// <summary>RED-Diff: Adam over 1,000 steps, λ = 0.25, lr = 0.25.</summary>
    public const string RedDiff = "reddiff";

    /// <summary>Every baseline name.</summary>
    public static IReadOnlyList<string> All { get; } = [Dps, Ddrm, DiffPir, RedDiff];

    /// <summary>Whether <paramref name="name"/> names a baseline (case-insensitive; a hyphen is ignored, so red-diff is reddiff).</summary>
    public static bool IsBaseline(string? name) => name is not null && All.Contains(Canonical(name));

    /// <summary>The baseline's canonical name (trimmed, lower case, without hyphens).</summary>
    public static string Canonical(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal);
    }

    /// <summary>Why baseline <paramref name="name"/> cannot run <paramref name="task"/>, or null when it can.</summary>
    /// <exception cref="ArgumentException">Unknown baseline or task name.</exception>
    public static string? Refusal(string name, string task)
    {
        var canonical = TaskNames.Normalize(task);
        var method = Canonical(name);
        if (!All.Contains(method)) throw new ArgumentException($"unknown baseline sampler '{name}'; expected one of {string.Join(", ", All)}", nameof(name));
        return method switch
        {
            Dps => canonical == TaskNames.Hdr ? "DPS released no step size for hdr" : null,
            Ddrm or RedDiff => canonical switch
            {
                TaskNames.MotionBlur => $"{method} needs A's SVD, and a motion-blur kernel is not separable (only a dense (HW)×(HW) SVD)",
                TaskNames.PhaseRetrieval or TaskNames.Hdr => $"{method} needs A's SVD, and {canonical} is not linear",
                _ => null,
            },
            _ => canonical is TaskNames.PhaseRetrieval or TaskNames.Hdr ? $"DiffPIR has no data step for {canonical}" : null,
        };
    }
}
