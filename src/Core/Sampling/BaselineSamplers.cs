using Spgd.Core.Denoising;
using Spgd.Core.Operators;

namespace Spgd.Core.Sampling;

/// <summary>
/// The comparison baselines by name (<c>dps</c>, <c>ddrm</c>, <c>diffpir</c>, <c>reddiff</c>), each at its protocol
/// settings for a task (docs/evaluation.md, "Baseline samplers"): what a job spec's <c>sampler:</c> will select.
/// </summary>
public static class BaselineSamplers
{
    /// <summary>DPS by its protocol (<see cref="DpsAncestralSampler"/>).</summary>
    public const string Dps = "dps";

    /// <summary><see cref="DdrmSampler"/>.</summary>
    public const string Ddrm = "ddrm";

    /// <summary><see cref="DiffPirSampler"/>.</summary>
    public const string DiffPir = "diffpir";

    /// <summary><see cref="RedDiffSampler"/>.</summary>
    public const string RedDiff = "reddiff";

    /// <summary>Every baseline name.</summary>
    public static IReadOnlyList<string> Names { get; } = [Dps, Ddrm, DiffPir, RedDiff];

    /// <summary>Why <paramref name="name"/> cannot run <paramref name="task"/>, or null when it can.</summary>
    /// <exception cref="ArgumentException">Unknown baseline name.</exception>
    public static string? Refusal(string name, string task)
    {
        var canonical = TaskNames.Normalize(task);
        return Canonical(name) switch
        {
            Dps => canonical == TaskNames.Hdr ? "DPS released no step size for hdr" : null,
            Ddrm or RedDiff => canonical switch
            {
                TaskNames.MotionBlur => $"{name} needs A's SVD, and a motion-blur kernel is not separable (only a dense (HW)×(HW) SVD)",
                TaskNames.PhaseRetrieval or TaskNames.Hdr => $"{name} needs A's SVD, and {canonical} is not linear",
                _ => null,
            },
            _ => canonical is TaskNames.PhaseRetrieval or TaskNames.Hdr ? $"DiffPIR has no data step for {canonical}" : null,
        };
    }

    /// <summary>The baseline <paramref name="name"/> at its protocol settings for <paramref name="task"/>.</summary>
    /// <param name="name">dps, ddrm, diffpir or reddiff (case-insensitive).</param>
    /// <param name="denoiser">The prior.</param>
    /// <param name="task">The task (sets DPS's ζ and DiffPIR's λ, ζ).</param>
    /// <param name="measurementNoise">σ_y of the measurement in the [−1, 1] scale (DDRM and DiffPIR use it).</param>
    /// <param name="noise">The sampler's noise source (seed it per item).</param>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    /// <exception cref="NotSupportedException">The baseline cannot run the task (<see cref="Refusal"/> says why).</exception>
    public static IPosteriorSampler Create(string name, IDenoiser denoiser, string task, double measurementNoise, INoiseSource noise)
    {
        if (Refusal(name, task) is { } reason) throw new NotSupportedException(reason);
        return Canonical(name) switch
        {
            Dps => new DpsAncestralSampler(denoiser, new DpsOptions { StepSize = DpsOptions.ReleasedStepSize(task) }, noise),
            Ddrm => new DdrmSampler(denoiser, new DdrmOptions { MeasurementNoise = measurementNoise }, noise),
            DiffPir => new DiffPirSampler(denoiser, DiffPirFor(task, measurementNoise), noise),
            _ => new RedDiffSampler(denoiser, new RedDiffOptions(), noise),
        };
    }

    private static DiffPirOptions DiffPirFor(string task, double measurementNoise)
    {
        var (lambda, zeta) = DiffPirOptions.ScriptDefaults(task);
        return new DiffPirOptions { Lambda = lambda, Zeta = zeta, MeasurementNoise = measurementNoise };
    }

    private static string Canonical(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = name.Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal);
        return Names.Contains(lower) ? lower
            : throw new ArgumentException($"unknown baseline sampler '{name}'; expected one of {string.Join(", ", Names)}", nameof(name));
    }
}
