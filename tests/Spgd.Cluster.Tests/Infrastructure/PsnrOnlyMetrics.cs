using Spgd.Contracts.Jobs;
using Spgd.Grains.Restoration;
using static TorchSharp.torch;

namespace Spgd.Cluster.Tests.Infrastructure;

/// <summary>Test stand-in for the silo's metrics: PSNR on [0, 1] images, SSIM reported as 0.</summary>
internal sealed class PsnrOnlyMetrics : IRestorationMetrics
{
    public ItemMetrics Measure(Tensor reference, Tensor restored)
    {
        using var scope = NewDisposeScope();
        var mse = ((reference - restored) / 2).square().mean().item<float>();
        return new ItemMetrics(-10 * Math.Log10(mse + 1e-8), 0, null);
    }
}
