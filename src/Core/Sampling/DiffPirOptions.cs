using Spgd.Core.Operators;

namespace Spgd.Core.Sampling;

/// <summary>
/// Settings of <see cref="DiffPirSampler"/> (Zhu et al., "Denoising Diffusion Models for Plug-and-Play Image
/// Restoration", CVPRW 2023). The defaults are the official scripts' noiseless setting: 20 steps on the "quad" schedule,
/// η = 0, σ_n = 0 (so σ = 0.001 in ρ_t), and per task the first (λ, ζ) of each script's sweep
/// (<see cref="ScriptDefaults"/>). Immutable; check with <see cref="Validate"/>.
/// </summary>
public sealed record DiffPirOptions
{
    /// <summary>Number of steps (network evaluations).</summary>
    public int Steps { get; init; } = 20;

    /// <summary>λ: ρ_t = λ·σ²/σ_t², the data term's weight in the proximal step.</summary>
    public double Lambda { get; init; } = 1.0;

    /// <summary>ζ: the share of fresh noise in the step to x_{t−1}.</summary>
    public double Zeta { get; init; } = 1.0;

    /// <summary>η: DDIM-style stochasticity of the remaining (1 − ζ) part (0 in every official script).</summary>
    public double Eta { get; init; }

    /// <summary>σ_y, the measurement noise std in the [−1, 1] scale (the scripts' noise_level_img is σ_y/2).</summary>
    public double MeasurementNoise { get; init; }

    /// <summary>M, the UNet's training timesteps (linear β schedule).</summary>
    public int TrainingTimesteps { get; init; } = 1000;

    /// <summary>The official scripts' (λ, ζ) for <paramref name="task"/>: the first call of each script's sweep —
    /// inpainting (1, 1), deblurring (7, 0.3), ×4 super-resolution (2, 0.25).</summary>
    /// <exception cref="NotSupportedException">DiffPIR's scripts cover no such task.</exception>
    public static (double Lambda, double Zeta) ScriptDefaults(string task) => TaskNames.Normalize(task) switch
    {
        TaskNames.InpaintingRandom or TaskNames.InpaintingBox => (1.0, 1.0),
        TaskNames.GaussianBlur or TaskNames.MotionBlur => (7.0, 0.3),
        TaskNames.SuperResolution => (2.0, 0.25),
        var other => throw new NotSupportedException($"DiffPIR has no data step for {other} (its scripts cover inpainting, deblurring and super-resolution)"),
    };

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        if (TrainingTimesteps < 2) throw new ArgumentException($"DiffPIR training_timesteps must be at least 2, got {TrainingTimesteps}");
        if (Steps < 2 || Steps > TrainingTimesteps) throw new ArgumentException($"DiffPIR steps must be in 2…{TrainingTimesteps}, got {Steps}");
        if (!(Lambda > 0) || !double.IsFinite(Lambda)) throw new ArgumentException($"DiffPIR lambda must be finite and > 0, got {Lambda}");
        if (!(Zeta is >= 0 and <= 1)) throw new ArgumentException($"DiffPIR zeta must be in [0, 1], got {Zeta}");
        if (!(Eta is >= 0 and <= 1)) throw new ArgumentException($"DiffPIR eta must be in [0, 1], got {Eta}");
        if (!(MeasurementNoise >= 0) || !double.IsFinite(MeasurementNoise)) throw new ArgumentException($"DiffPIR measurement noise must be finite and ≥ 0, got {MeasurementNoise}");
    }
}
