namespace Spgd.Vocabulary;

/// <summary>
/// The one definition of every sampler and measurement default and bound. Core's <c>SpgdOptions</c>, the job spec's
/// resolver, the sweep expander and the CLI read these; nothing else writes a default down.
/// </summary>
public static class SamplerDefaults
{
    /// <summary>
    /// Outer (denoising) steps T when nothing else sets them: the paper's T = 100. With N = 5 and each task's Table 5
    /// learning rate it meets the PSNR floors on the FFHQ demo photos with the closed-form prior at about 10 s of CPU
    /// per 256² image (T = 30 fell short for inpainting and Gaussian deblurring; docs/evaluation.md).
    /// </summary>
    public const int Steps = 100;

    /// <summary>Warm-up (likelihood) iterations N per outer step: the paper's N = 5.</summary>
    public const int Warmup = 5;

    /// <summary>
    /// The task-agnostic learning rate (the official code's 2.5); a job's task takes <see cref="TaskLearningRates"/>
    /// instead. Core's own default, kept for the fixture parity of the reference runs.
    /// </summary>
    public const double LearningRate = 2.5;

    /// <summary>Fraction of lr the linear decay approaches at the last outer step.</summary>
    public const double LrMinRatio = 0.01;

    /// <summary>ADM β of the paper preset (the paper's Table 1).</summary>
    public const double PaperBeta = 0.95;

    /// <summary>ADM β of the reference preset (the official code's default).</summary>
    public const double ReferenceBeta = 0.9;

    /// <summary>σ_max of the EDM schedule.</summary>
    public const double SigmaMax = 100;

    /// <summary>σ_min of the EDM schedule.</summary>
    public const double SigmaMin = 0.1;

    /// <summary>DPS likelihood step size ζ (the official DPS configurations use 0.3–1.0).</summary>
    public const double DpsStepSize = 1.0;

    /// <summary>Outer steps between DiffStateGrad subspace refreshes (1: every step).</summary>
    public const int DiffStateGradPeriod = 1;

    /// <summary>Measurement noise σ_y (in [-1, 1] image units): the paper's 0.01, for every task and every entry point.</summary>
    public const double NoiseSigma = 0.01;

    /// <summary>The preset the sampler follows when none is named.</summary>
    public const string Preset = SamplerPresets.Paper;

    /// <summary>Where ADM's momentum lives when nothing is said (the paper's algorithm: within one outer step).</summary>
    public const string AdmScope = AdmScopes.Warmup;

    /// <summary>Upper bounds that keep a job's cost sane.</summary>
    public const int MaxSteps = 1000, MaxWarmup = 1000;

    /// <summary>ADM β bounds: [0, 1] (β = 1 is the paper's Table 4 ablation).</summary>
    public const double MinBeta = 0, MaxBeta = 1;

    /// <summary>The β a preset implies when none is given.</summary>
    public static double Beta(string preset) => SamplerPresets.Normalize(preset) == SamplerPresets.Reference ? ReferenceBeta : PaperBeta;

    /// <summary>Whether a preset steps with the ADM-smoothed gradient by default (paper) or the raw one (reference).</summary>
    public static bool Adm(string preset) => SamplerPresets.Normalize(preset) != SamplerPresets.Reference;
}
