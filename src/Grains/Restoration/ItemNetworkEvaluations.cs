using Spgd.Contracts.Jobs;
using Spgd.Contracts.Sweeps;

namespace Spgd.Grains.Restoration;

/// <summary>The network evaluations an item's sampler will make (steps × warm-up for SPGD, steps for DPS), before it runs.</summary>
public static class ItemNetworkEvaluations
{
    /// <summary>Evaluations of <paramref name="item"/>; throws <see cref="ArgumentException"/> when its sampler settings do not parse.</summary>
    public static long Of(WorkItem item)
    {
        if (item.Point is { } point) return point.NetworkEvaluationsPerImage;
        var task = item.Settings.Tasks.FirstOrDefault(t => t.Name == item.Task);
        var sampler = CoreSettings.ToSampler(task?.Sampler ?? item.Settings.Sampler);
        return sampler.Algorithm == Core.Sampling.SamplerAlgorithm.Dps ? sampler.Steps : (long)sampler.Steps * sampler.Warmup;
    }
}
