namespace Spgd.Contracts.Jobs;

/// <summary>Forward-operator settings of a task; <c>null</c> means the reference default (see Core's OperatorSettings).</summary>
[GenerateSerializer]
public sealed record OperatorParams
{
    /// <summary>Measurement noise σ_y in [-1, 1] image units.</summary>
    [Id(0)] public double? NoiseSigma { get; init; }

    /// <summary>Fraction of pixels random inpainting drops, in [0, 1).</summary>
    [Id(1)] public double? MaskFraction { get; init; }

    /// <summary>Side of the inpainting box in pixels.</summary>
    [Id(2)] public int? BoxSize { get; init; }

    /// <summary>Side of a blur kernel (odd).</summary>
    [Id(3)] public int? KernelSize { get; init; }

    /// <summary>Standard deviation of the Gaussian blur in pixels.</summary>
    [Id(4)] public double? KernelStd { get; init; }

    /// <summary>Intensity of the motion-blur trajectory, in [0, 1].</summary>
    [Id(5)] public double? MotionIntensity { get; init; }

    /// <summary>Down-sampling factor of super-resolution.</summary>
    [Id(6)] public int? Scale { get; init; }

    /// <summary>Oversampling of phase retrieval.</summary>
    [Id(7)] public double? Oversample { get; init; }

    /// <summary>Gain of HDR.</summary>
    [Id(8)] public double? HdrScale { get; init; }

    /// <summary>A .npy blur kernel used instead of a generated one (blur tasks).</summary>
    [Id(9)] public string? KernelPath { get; init; }

    /// <summary>A .npy inpainting mask used instead of a generated one (inpainting tasks).</summary>
    [Id(10)] public string? MaskPath { get; init; }

    /// <summary>The trained KernelWizard of nonlinear_blur (BKSE's <c>GOPRO_wVAE.pth</c>); required by that task.</summary>
    [Id(11)] public string? Checkpoint { get; init; }

    /// <summary>nonlinear_blur: the KernelWizard's options, a preset (<c>gopro_wvae</c>, the default) or a BKSE option file.</summary>
    [Id(12)] public string? KernelWizard { get; init; }

    /// <summary>nonlinear_blur: a .npy kernel code used instead of the reference's <c>np.random.seed(0)</c> draw.</summary>
    [Id(13)] public string? KernelCode { get; init; }
    /// <summary>Margin of the inpainting box from the image edges, in pixels.</summary>
    [Id(14)] public int? BoxMargin { get; init; }
}
