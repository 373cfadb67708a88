namespace Spgd.Contracts.Jobs;

/// <summary>
/// The job-spec side of the nonlinear blur: its operator keys (<c>checkpoint</c>, <c>kernel_wizard</c>,
/// <c>kernel_code</c>), their validation, and the task parameters they become.
/// </summary>
public static class NonlinearBlurSpec
{
    /// <summary>The task's canonical name.</summary>
    public const string Task = "nonlinear_blur";

    /// <summary>The KernelWizard presets a spec may name instead of an option file: a copy of Core's
    /// KernelWizardOptions.Presets names, so that Contracts need not load Core; a test keeps the two equal.</summary>
    public static IReadOnlyList<string> Presets { get; } = ["gopro_wvae"];

    /// <summary>Task-parameter names the cluster passes to Core.</summary>
    public const string CheckpointParameter = "checkpoint", OptionsParameter = "kernel_wizard", CodeParameter = "kernel_code";

    internal static void Validate(OperatorParams op, string? task, int imageSize, string field, JobSpecValidationOptions options, Action<string, string> add)
    {
        if (task is null) return;
        if (task != Task)
        {
            foreach (var (value, key) in new[] { (op.Checkpoint, "checkpoint"), (op.KernelWizard, "kernel_wizard"), (op.KernelCode, "kernel_code") })
                if (value is not null) add($"{field}.{key}", $"does not apply to task '{task}' (only to {Task})");
            return;
        }
        if (string.IsNullOrWhiteSpace(op.Checkpoint))
            add(field + ".checkpoint", "nonlinear_blur needs BKSE's trained KernelWizard: give the path of GOPRO_wVAE.pth (blur-kernel-space-exploring model zoo)");
        if (imageSize < 128 || imageSize % 128 != 0)
            add("dataset.image_size", $"{imageSize} does not suit {Task}: KernelWizard blurs images whose side is a multiple of 128 (e.g. 256)");
        var preset = op.KernelWizard is { } kw && Presets.Contains(kw.Trim().ToLowerInvariant());
        if (options.CheckFiles)
        {
            JobSpecValidator.RequireFile(op.Checkpoint, field + ".checkpoint", options, add);
            JobSpecValidator.RequireFile(op.KernelCode, field + ".kernel_code", options, add);
            if (!preset) JobSpecValidator.RequireFile(op.KernelWizard, field + ".kernel_wizard", options, add);
        }
    }

    internal static void AddParameters(OperatorParams op, Func<string?, string?> resolve, Dictionary<string, string> parameters)
    {
        if (resolve(op.Checkpoint) is { } checkpoint) parameters[CheckpointParameter] = checkpoint;
        if (op.KernelWizard is { } kw)
            parameters[OptionsParameter] = Presets.Contains(kw.Trim().ToLowerInvariant()) ? kw.Trim().ToLowerInvariant() : resolve(kw)!;
        if (resolve(op.KernelCode) is { } code) parameters[CodeParameter] = code;
    }
}
