namespace Spgd.Core.Sampling;

/// <summary>
/// Settings of <see cref="DdrmSampler"/>; the defaults are the paper's (Kawar et al. 2022, §5: 20 steps, η = 0.85,
/// η_B = 1) and the official code's singular value floor. Immutable; check with <see cref="Validate"/>.
/// </summary>
public sealed record DdrmOptions
{
    /// <summary>Number of steps: the official schedule visits t = 0, M/S, 2M/S, … (stride ⌊M/S⌋), from the last down.</summary>
    public int Steps { get; init; } = 20;

    /// <summary>η (the official η_A = η_C): the fraction of fresh noise in coefficients not pinned by the measurement.</summary>
    public double Eta { get; init; } = 0.85;

    /// <summary>η_B: how strongly coefficients measured less noisily than x_t are pulled to Σ⁻¹Uᵀy.</summary>
    public double EtaB { get; init; } = 1.0;

    /// <summary>σ_y, the measurement noise standard deviation in the [−1, 1] image scale (the official code doubles its
    /// [0, 1] argument to get this). 0 is the noiseless setting.</summary>
    public double MeasurementNoise { get; init; }

    /// <summary>1-D singular values below this count as 0 (the official SR and deblurring SVDs use 3·10⁻²).</summary>
    public double SingularValueFloor { get; init; } = 3e-2;

    /// <summary>M, the UNet's training timesteps (linear β schedule).</summary>
    public int TrainingTimesteps { get; init; } = 1000;

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        if (TrainingTimesteps < 2) throw new ArgumentException($"DDRM training_timesteps must be at least 2, got {TrainingTimesteps}");
        if (Steps < 1 || Steps > TrainingTimesteps) throw new ArgumentException($"DDRM steps must be in 1…{TrainingTimesteps}, got {Steps}");
        if (!(Eta is >= 0 and <= 1)) throw new ArgumentException($"DDRM eta must be in [0, 1], got {Eta}");
        if (!(EtaB is >= 0 and <= 1)) throw new ArgumentException($"DDRM eta_b must be in [0, 1], got {EtaB}");
        if (!(MeasurementNoise >= 0) || !double.IsFinite(MeasurementNoise)) throw new ArgumentException($"DDRM measurement noise must be finite and ≥ 0, got {MeasurementNoise}");
        if (!(SingularValueFloor >= 0) || !double.IsFinite(SingularValueFloor)) throw new ArgumentException($"DDRM singular value floor must be finite and ≥ 0, got {SingularValueFloor}");
    }
}
