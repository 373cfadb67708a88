using Spgd.Contracts.Jobs;
using Spgd.Core.Metrics;
using static TorchSharp.torch;

namespace Spgd.Grains.Restoration;

/// <summary>
/// Core's <see cref="MetricSet"/> as the silo's metrics: PSNR and SSIM always, LPIPS when the silo was given
/// its weights (never a made-up value otherwise). Calls are serialised: LPIPS is one shared network.
/// </summary>
public sealed class MetricSetMetrics(MetricSet metrics) : IRestorationMetrics, IDisposable
{
    private readonly Lock _gate = new();

    /// <summary>PSNR/SSIM only, or with LPIPS from the two weight files when both are given.</summary>
    public static MetricSetMetrics Create(string? lpipsVgg, string? lpipsLinear) =>
        new(new MetricSet(lpipsVgg is not null && lpipsLinear is not null ? Lpips.Load(lpipsVgg, lpipsLinear) : null));

    /// <inheritdoc />
    public ItemMetrics Measure(Tensor reference, Tensor restored)
    {
        lock (_gate)
        {
            var m = metrics.Compute(reference.cpu(), restored.cpu())[0];
            return new ItemMetrics(m.Psnr, m.Ssim, m.Lpips);
        }
    }

    /// <inheritdoc />
    public void Dispose() => metrics.Dispose();
}
