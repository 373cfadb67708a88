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
    public const string Dps = BaselineMethods.Dps;

    /// <summary><see cref="DdrmSampler"/>.</summary>
    public const string Ddrm = BaselineMethods.Ddrm;

    /// <summary><see cref="DiffPirSampler"/>.</summary>
    public const string DiffPir = BaselineMethods.DiffPir;

    /// <summary><see cref="RedDiffSampler"/>.</summary>
    public const string RedDiff = BaselineMethods.RedDiff;

    /// <summary>Every baseline name.</summary>
    public static IReadOnlyList<string> Names => BaselineMethods.All;

    /// <summary>Why <paramref name="name"/> cannot run <paramref name="task"/>, or null when it can (<see cref="BaselineMethods.Refusal"/>).</summary>
    /// <exception cref="ArgumentException">Unknown baseline name.</exception>
    public static string? Refusal(string name, string task) => BaselineMethods.Refusal(name, task);

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

    /// <summary>The baseline name of <paramref name="algorithm"/>, or null when it is not a baseline run at its protocol.</summary>
    public static string? NameOf(SamplerAlgorithm algorithm) => algorithm switch
    {
        SamplerAlgorithm.DpsAncestral => Dps,
        SamplerAlgorithm.Ddrm => Ddrm,
        SamplerAlgorithm.DiffPir => DiffPir,
        SamplerAlgorithm.RedDiff => RedDiff,
        _ => null,
    };

    /// <summary>Core's algorithm of baseline <paramref name="name"/>, or null when it names no baseline.</summary>
    public static SamplerAlgorithm? AlgorithmOf(string name) => BaselineMethods.IsBaseline(name)
        ? BaselineMethods.Canonical(name) switch
        {
            Dps => SamplerAlgorithm.DpsAncestral,
            Ddrm => SamplerAlgorithm.Ddrm,
            DiffPir => SamplerAlgorithm.DiffPir,
            _ => SamplerAlgorithm.RedDiff,
        }
        : null;

    private static DiffPirOptions DiffPirFor(string task, double measurementNoise)
    {
        var (lambda, zeta) = DiffPirOptions.ScriptDefaults(task);
        return new DiffPirOptions { Lambda = lambda, Zeta = zeta, MeasurementNoise = measurementNoise };
    }

    private static string Canonical(string name)
    {
        var canonical = BaselineMethods.Canonical(name);
        return Names.Contains(canonical) ? canonical
            : throw new ArgumentException($"unknown baseline sampler '{name}'; expected one of {string.Join(", ", Names)}", nameof(name));
    }
}
