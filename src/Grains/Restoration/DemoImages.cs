using Spgd.Core.Denoising;
using Spgd.Core.Restoration;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Grains.Restoration;

/// <summary>
/// The built-in demo data set: image <c>i</c> is one draw from <see cref="SpectralGaussianPrior.Default"/>
/// with a seed derived from its id, clipped to [−1, 1]. Same pixels on every machine; nothing to download.
/// </summary>
public static class DemoImages
{
    /// <summary>Demo image <paramref name="index"/> at <paramref name="size"/>², [1, 3, size, size] on the CPU.</summary>
    public static Tensor Load(int index, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var seed = ItemSeed.Derive(0, $"demo-{index:D3}", "spectral-demo", 0);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(SpectralGaussianPrior.Default.Sample(1, size, seed).clamp(-1, 1));
    }
}
