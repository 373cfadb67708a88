namespace Spgd.Core.Sampling;

/// <summary>
/// Settings of an SPGD run (defaults: <see cref="SamplerDefaults"/>, the one definition of each). Immutable; check
/// with <see cref="Validate"/>.
/// </summary>
public sealed record SpgdOptions
{
    /// <summary>Number of outer (denoising) steps T.</summary>
    public int Steps { get; init; } = SamplerDefaults.Steps;

    /// <summary>Warm-up (likelihood) iterations N per outer step; each costs one network evaluation.</summary>
    public int Warmup { get; init; } = SamplerDefaults.Warmup;

    /// <summary>Learning rate lr of the first outer step.</summary>
    public double LearningRate { get; init; } = SamplerDefaults.LearningRate;

    /// <summary>Fraction of lr the linear decay approaches at the last outer step (lr_min_ratio).</summary>
    public double LrMinRatio { get; init; } = SamplerDefaults.LrMinRatio;

    /// <summary>ADM momentum β in [0, 1] (1: Table 4's ablation); null takes the preset's (<see cref="SamplerDefaults.PaperBeta"/>, <see cref="SamplerDefaults.ReferenceBeta"/>).</summary>
    public double? Beta { get; init; }

    /// <summary>Which published variant to follow.</summary>
    public SpgdPreset Preset { get; init; } = SpgdPreset.Paper;

    /// <summary>
    /// Whether the warm-up steps along the ADM-smoothed gradient (true) or the raw one (false); null takes the
    /// preset's choice (paper: on; reference: off, as the official code). Lets ablations toggle ADM independently of N.
    /// </summary>
    public bool? Adm { get; init; }

    /// <summary>DiffStateGrad explained-energy cut-off τ in (0, 1]; null disables the projection.</summary>
    public double? DiffStateGradTau { get; init; }

    /// <summary>Project on outer steps i with i mod period = 0 (1 = every step).</summary>
    public int DiffStateGradPeriod { get; init; } = SamplerDefaults.DiffStateGradPeriod;

    /// <summary>σ_max, the noise level of the first outer step (and of x_T = σ_max·n).</summary>
    public double SigmaMax { get; init; } = SamplerDefaults.SigmaMax;

    /// <summary>σ_min, the noise level of the last outer step before σ = 0.</summary>
    public double SigmaMin { get; init; } = SamplerDefaults.SigmaMin;

    /// <summary>Which sampler to run: SPGD (default) or the DPS baseline on the same schedule.</summary>
    public SamplerAlgorithm Algorithm { get; init; } = SamplerAlgorithm.Spgd;

    /// <summary>DPS only: the likelihood step size ζ (the official DPS configurations use 0.3–1.0).</summary>
    public double DpsStepSize { get; init; } = SamplerDefaults.DpsStepSize;

    /// <summary>
    /// Whether ADM's smoothed gradient is reset at each outer step (false, the paper's algorithm) or carried across
    /// outer steps (true: Table 2's "ADM without warm-up" ablation).
    /// </summary>
    public bool AdmAcrossSteps { get; init; }

    /// <summary>Whether ADM shapes the step: <see cref="Adm"/> or the preset's default.</summary>
    public bool EffectiveAdm => Adm ?? Preset == SpgdPreset.Paper;

    /// <summary>
    /// The "no gradient management" baseline of the paper's ablation: the same schedule and learning rate with a single
    /// likelihood step per outer step (N = 1) and no ADM, i.e. a DPS-like alternation on SPGD's step sizes.
    /// </summary>
    public SpgdOptions WithoutGradientManagement() => this with { Algorithm = SamplerAlgorithm.Spgd, Warmup = 1, Adm = false };

    /// <summary>The β in effect: <see cref="Beta"/> or the preset's default.</summary>
    public double EffectiveBeta => Beta ?? (Preset == SpgdPreset.Paper ? SamplerDefaults.PaperBeta : SamplerDefaults.ReferenceBeta);

    /// <summary>Every problem with these settings, one readable sentence each (empty when valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Steps < 1) problems.Add($"Steps (T) must be at least 1; got {Steps}.");
        if (Warmup < 1) problems.Add($"Warmup (N) must be at least 1; got {Warmup}.");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) problems.Add($"LearningRate must be positive and finite; got {LearningRate}.");
        if (!(LrMinRatio > 0) || !(LrMinRatio <= 1)) problems.Add($"LrMinRatio must be in (0, 1]; got {LrMinRatio}.");
        if (Beta is { } beta && !(beta >= SamplerDefaults.MinBeta && beta <= SamplerDefaults.MaxBeta)) problems.Add($"Beta must be in [0, 1]; got {beta}.");
        if (!Enum.IsDefined(Preset)) problems.Add($"Preset must be paper or reference; got {(int)Preset}.");
        if (DiffStateGradTau is { } tau && !(tau > 0 && tau <= 1)) problems.Add($"DiffStateGradTau must be in (0, 1] (or null to disable); got {tau}.");
        if (DiffStateGradPeriod < 1) problems.Add($"DiffStateGradPeriod must be at least 1; got {DiffStateGradPeriod}.");
        if (!(SigmaMin > 0) || !double.IsFinite(SigmaMin)) problems.Add($"SigmaMin must be positive and finite; got {SigmaMin}.");
        if (!(SigmaMax >= SigmaMin) || !double.IsFinite(SigmaMax)) problems.Add($"SigmaMax must be finite and at least SigmaMin ({SigmaMin}); got {SigmaMax}.");
        if (!Enum.IsDefined(Algorithm)) problems.Add($"Algorithm must be Spgd or Dps; got {(int)Algorithm}.");
        if (!(DpsStepSize >= 0) || !double.IsFinite(DpsStepSize)) problems.Add($"DpsStepSize (ζ) must be finite and at least 0; got {DpsStepSize}.");
        return problems;
    }

    /// <summary>Throws when <see cref="Problems"/> is not empty.</summary>
    /// <exception cref="ArgumentException">The settings are invalid; the message lists every problem.</exception>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0) throw new ArgumentException("Invalid SPGD options: " + string.Join(" ", problems));
    }

    /// <summary>The outer noise schedule these settings imply.</summary>
    public EdmSchedule Schedule() => new(Steps, SigmaMax, SigmaMin);

    /// <summary>The learning-rate decay these settings imply.</summary>
    public LearningRateSchedule LearningRates() => new(LearningRate, LrMinRatio, Steps);
}
