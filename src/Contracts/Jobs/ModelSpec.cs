namespace Spgd.Contracts.Jobs;

/// <summary>
/// The prior: <c>kind: spectral-gaussian</c> (closed-form, optional <see cref="Variance"/>/<see cref="Alpha"/>) or
/// <c>kind: unet</c> with a <see cref="Preset"/> or a <see cref="Config"/> file plus a <see cref="Checkpoint"/> file
/// or <see cref="CheckpointBlob"/>.
/// </summary>
[GenerateSerializer]
public sealed record ModelSpec
{
    /// <summary>The closed-form spectral Gaussian prior.</summary>
    public const string SpectralGaussian = "spectral-gaussian";

    /// <summary>A guided-diffusion UNet behind the VP-preconditioned denoiser.</summary>
    public const string UNet = "unet";

    /// <summary>The UNet presets.</summary>
    public static IReadOnlyList<string> Presets { get; } = ["ffhq256", "imagenet256"];

    /// <summary><c>spectral-gaussian</c> or <c>unet</c>.</summary>
    [Id(0)] public string? Kind { get; init; }

    /// <summary>Per-pixel variance of the spectral prior (default: the prior's own, 0.25).</summary>
    [Id(1)] public double? Variance { get; init; }

    /// <summary>Spectral decay exponent of the spectral prior.</summary>
    [Id(2)] public double? Alpha { get; init; }

    /// <summary>UNet preset: <c>ffhq256</c> or <c>imagenet256</c>.</summary>
    [Id(3)] public string? Preset { get; init; }

    /// <summary>UNet configuration file (JSON or YAML with the official create_model keys).</summary>
    [Id(4)] public string? Config { get; init; }

    /// <summary>Local checkpoint file (.pt / .safetensors).</summary>
    [Id(5)] public string? Checkpoint { get; init; }

    /// <summary>Checkpoint stored as a blob in the job store.</summary>
    [Id(6)] public string? CheckpointBlob { get; init; }

    /// <summary>The UNet torso's arithmetic: <c>fp32</c>, <c>bf16</c> or <c>fp16</c> (default: fp32, or fp16 when the
    /// config says <c>use_fp16</c>). Checked against the silo's device when the model loads.</summary>
    [Id(7)] public string? Precision { get; init; }
}
