using static TorchSharp.torch;

namespace Spgd.Core.Metrics;

/// <summary>
/// The evaluation's metrics together: PSNR and SSIM always, LPIPS when weights were given (never a made-up value otherwise).
/// Owns the <see cref="Lpips"/> it holds.
/// </summary>
public sealed class MetricSet : IDisposable
{
    /// <summary>A set with PSNR and SSIM, and LPIPS when <paramref name="lpips"/> is not null (the set takes ownership).</summary>
    public MetricSet(Lpips? lpips = null) => Lpips = lpips;

    /// <summary>The LPIPS network, or null when LPIPS is not configured.</summary>
    public Lpips? Lpips { get; }

    /// <summary>Metrics of each image of <paramref name="candidate"/> against the same image of <paramref name="reference"/>
    /// (NCHW batches, or single CHW images, in [−1, 1]; same shape).</summary>
    /// <exception cref="ArgumentException">Shapes differ, are not images, or contain NaN/∞.</exception>
    public ImageMetrics[] Compute(Tensor reference, Tensor candidate)
    {
        using var scope = NewDisposeScope();
        if (reference.dim() == 3) reference = reference.unsqueeze(0);
        if (candidate.dim() == 3) candidate = candidate.unsqueeze(0);
        RequireFinite(reference, "reference");
        RequireFinite(candidate, "candidate");
        var psnr = ToDoubles(Psnr.Compute(reference, candidate));
        var ssim = ToDoubles(Ssim.Compute(reference, candidate));
        var lpips = Lpips is null ? null : ToDoubles(Lpips.Compute(reference, candidate));
        return [.. psnr.Select((p, i) => new ImageMetrics(p, ssim[i], lpips?[i]))];
    }

    private static void RequireFinite(Tensor t, string name)
    {
        if (!t.isfinite().all().item<bool>()) throw new ArgumentException($"metrics: the {name} images contain NaN or infinite values");
    }

    private static double[] ToDoubles(Tensor t) => [.. t.cpu().data<float>().ToArray().Select(v => (double)v)];

    /// <summary>Releases the LPIPS weights, if any.</summary>
    public void Dispose() => Lpips?.Dispose();
}
