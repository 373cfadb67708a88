using Spgd.Contracts.Jobs;
using static TorchSharp.torch;

namespace Spgd.Grains.Restoration;

/// <summary>Measures a restored image against its clean reference (both [1, 3, H, W] in [−1, 1], on the CPU).</summary>
public interface IRestorationMetrics
{
    /// <summary>PSNR, SSIM and, when the silo has its weights, LPIPS.</summary>
    ItemMetrics Measure(Tensor reference, Tensor restored);
}
