namespace Spgd.Contracts.Jobs;

/// <summary>Metric settings; PSNR and SSIM need nothing, LPIPS needs weights.</summary>
[GenerateSerializer]
public sealed record MetricsSpec
{
    /// <summary>LPIPS linear-layer weights (<c>lpips_v0.1_vgg.pth</c>); LPIPS is skipped when absent.</summary>
    [Id(0)] public string? LpipsWeights { get; init; }

    /// <summary>VGG16 feature weights (torchvision <c>vgg16-397923af.pth</c>).</summary>
    [Id(1)] public string? VggWeights { get; init; }
}
