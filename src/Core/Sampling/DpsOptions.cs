using Spgd.Core.Operators;

namespace Spgd.Core.Sampling;

/// <summary>
/// Settings of <see cref="DpsAncestralSampler"/>: DPS's protocol (Chung et al. 2023; its released
/// <c>configs/diffusion_config.yaml</c>: 1,000 ancestral DDPM steps on the linear β schedule, x̂₀ clipped to [−1, 1]) and
/// the step size ζ of its released task configs (<see cref="ReleasedStepSize"/>). Immutable; check with <see cref="Validate"/>.
/// </summary>
public sealed record DpsOptions
{
    /// <summary>Number of ancestral steps, spread over the M training steps as guided-diffusion's
    /// <c>timestep_respacing</c> does (1,000: every step, the protocol).</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>ζ: x_{t−1} = x'_{t−1} − ζ·∇_{x_t}‖y − A(x̂₀)‖.</summary>
    public double StepSize { get; init; } = 1.0;

    /// <summary>Clip x̂₀ to [−1, 1] before the posterior mean and the residual (the released <c>clip_denoised: True</c>).</summary>
    public bool ClipDenoised { get; init; } = true;

    /// <summary>M, the UNet's training timesteps (linear β schedule).</summary>
    public int TrainingTimesteps { get; init; } = 1000;

    /// <summary>ζ of DPS's released config for <paramref name="task"/> (<c>configs/*_config.yaml</c>, "scale"):
    /// inpainting 0.5, super-resolution, Gaussian and motion deblurring 0.3, phase retrieval 1.0.</summary>
    /// <exception cref="ArgumentException">DPS released no config for the task (box inpainting uses the inpainting one; HDR has none).</exception>
    public static double ReleasedStepSize(string task) => TaskNames.Normalize(task) switch
    {
        TaskNames.InpaintingRandom or TaskNames.InpaintingBox => 0.5,
        TaskNames.SuperResolution or TaskNames.GaussianBlur or TaskNames.MotionBlur => 0.3,
        TaskNames.PhaseRetrieval => 1.0,
        var other => throw new ArgumentException($"DPS released no step size for {other}; set the DPS step size explicitly", nameof(task)),
    };

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        if (TrainingTimesteps < 2) throw new ArgumentException($"DPS training_timesteps must be at least 2, got {TrainingTimesteps}");
        if (Steps < 1 || Steps > TrainingTimesteps) throw new ArgumentException($"DPS steps must be in 1…{TrainingTimesteps}, got {Steps}");
        if (!(StepSize >= 0) || !double.IsFinite(StepSize)) throw new ArgumentException($"DPS step size must be finite and ≥ 0, got {StepSize}");
    }
}
