namespace Spgd.Core.Sampling;

/// <summary>
/// Settings of <see cref="RedDiffSampler"/>; the defaults are the ones the SPGD paper's comparison names (1,000 steps,
/// λ = 0.25, lr = 0.25) and the official code's (<c>_configs/algo/reddiff.yaml</c>: Adam β = (0.9, 0.99), observation
/// weight 1, the "linear" denoiser weight, σ_x0 = 0). Immutable; check with <see cref="Validate"/>.
/// </summary>
public sealed record RedDiffOptions
{
    /// <summary>Number of optimisation steps: timesteps 0, M/S, 2M/S, … (stride ⌊M/S⌋), visited from the last down.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>λ (<c>grad_term_weight</c>): the denoiser term's weight is λ·σ_t, σ_t = √(1−ᾱ_t)/√ᾱ_t.</summary>
    public double Lambda { get; init; } = 0.25;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 0.25;

    /// <summary>The observation term's weight (<c>obs_weight</c>).</summary>
    public double ObservationWeight { get; init; } = 1.0;

    /// <summary>σ_x0: the sampled x₀ is μ + σ_x0·n (0 in the official configuration: x₀ = μ).</summary>
    public double SigmaX0 { get; init; }

    /// <summary>Adam's β₁.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's β₂ (the official code uses 0.99, not PyTorch's default 0.999).</summary>
    public double Beta2 { get; init; } = 0.99;

    /// <summary>Adam's ε.</summary>
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>1-D singular values below this count as 0 in the pseudo-inverse that initialises μ = A⁺y.</summary>
    public double SingularValueFloor { get; init; } = 3e-2;

    /// <summary>M, the UNet's training timesteps (linear β schedule).</summary>
    public int TrainingTimesteps { get; init; } = 1000;

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        if (TrainingTimesteps < 2) throw new ArgumentException($"RED-Diff training_timesteps must be at least 2, got {TrainingTimesteps}");
        if (Steps < 1 || Steps > TrainingTimesteps) throw new ArgumentException($"RED-Diff steps must be in 1…{TrainingTimesteps}, got {Steps}");
        static bool Finite(double v) => v >= 0 && double.IsFinite(v);
        if (!Finite(Lambda)) throw new ArgumentException($"RED-Diff lambda must be finite and ≥ 0, got {Lambda}");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"RED-Diff learning rate must be finite and > 0, got {LearningRate}");
        if (!Finite(ObservationWeight)) throw new ArgumentException($"RED-Diff observation weight must be finite and ≥ 0, got {ObservationWeight}");
        if (!Finite(SigmaX0)) throw new ArgumentException($"RED-Diff sigma_x0 must be finite and ≥ 0, got {SigmaX0}");
        if (!(Beta1 is >= 0 and < 1) || !(Beta2 is >= 0 and < 1)) throw new ArgumentException($"RED-Diff Adam betas must be in [0, 1), got ({Beta1}, {Beta2})");
        if (!(AdamEpsilon > 0)) throw new ArgumentException($"RED-Diff Adam epsilon must be > 0, got {AdamEpsilon}");
        if (!Finite(SingularValueFloor)) throw new ArgumentException($"RED-Diff singular value floor must be finite and ≥ 0, got {SingularValueFloor}");
    }
}
