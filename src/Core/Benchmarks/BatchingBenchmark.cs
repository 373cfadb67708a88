using Spgd.Core.Models;

namespace Spgd.Core.Benchmarks;

/// <summary>What <see cref="BatchingBenchmark"/> measures.</summary>
/// <param name="Name">Label of the network (a preset name or a config file).</param>
/// <param name="Config">The UNet architecture (random, seeded weights).</param>
/// <param name="Batches">Batch sizes to time, each at least 1.</param>
/// <param name="Size">Image side; defaults to the config's image size.</param>
/// <param name="Repeats">Timed evaluations per batch size.</param>
/// <param name="Warmup">Untimed evaluations first, per batch size.</param>
/// <param name="Seed">Seed of the weights and inputs.</param>
/// <param name="EvaluationsPerImage">Network evaluations one restoration needs (T·N; 500 for T = 100, N = 5).</param>
public sealed record BatchingBenchmarkOptions(string Name, UNetConfig Config, IReadOnlyList<int> Batches, int? Size = null, int Repeats = 2,
    int Warmup = 1, ulong Seed = 0, int EvaluationsPerImage = 500);

/// <summary>One batch size of <see cref="BatchingBenchmark"/>.</summary>
/// <param name="Nfe">The evaluation with the gradient at this batch size.</param>
/// <param name="EvaluationsPerImage">T·N of one restoration.</param>
public sealed record BatchingPoint(NfeBenchmarkResult Nfe, int EvaluationsPerImage)
{
    /// <summary>Images evaluated together.</summary>
    public int Batch => Nfe.Options.Batch;

    /// <summary>Median seconds of one evaluation with the gradient of the whole batch.</summary>
    public double SecondsPerEvaluation => Nfe.Gradient.Median;

    /// <summary>The evaluation's seconds per image of the batch.</summary>
    public double SecondsPerImageEvaluation => SecondsPerEvaluation / Batch;

    /// <summary>Seconds per restored image: <see cref="EvaluationsPerImage"/> evaluations shared by the batch.</summary>
    public double SecondsPerImage => SecondsPerImageEvaluation * EvaluationsPerImage;

    /// <summary>Restored images per minute at this batch size (network time only).</summary>
    public double ImagesPerMinute => 60 / SecondsPerImage;

    /// <summary>Projected images per minute on <paramref name="device"/> at this batch size, from the FLOP model (not a
    /// measurement; the projection's efficiencies are fixed, so it shows no batching gain by construction).</summary>
    public double ProjectedImagesPerMinute(AcceleratorProjection device) =>
        60 / (device ?? throw new ArgumentNullException(nameof(device))).SecondsPerImage(Nfe.Cost, EvaluationsPerImage);
}

/// <summary>
/// The network-time side of batching: one evaluation with the likelihood gradient (<see cref="NfeBenchmark"/>) at each
/// batch size, converted to images per minute for a restoration of <see cref="BatchingBenchmarkOptions.EvaluationsPerImage"/>
/// evaluations. Batch sizes run in the given order in this process, so the peak RSS of a point includes the points
/// before it (give them ascending).
/// </summary>
public static class BatchingBenchmark
{
    /// <summary>Times every batch size on the CPU.</summary>
    /// <exception cref="ArgumentException">No batch sizes, or one below 1.</exception>
    public static IReadOnlyList<BatchingPoint> Run(BatchingBenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Batches.Count == 0) throw new ArgumentException("Give at least one batch size.", nameof(options));
        foreach (var batch in options.Batches)
            if (batch < 1) throw new ArgumentException($"Batch sizes must be at least 1; got {batch}.", nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.EvaluationsPerImage, 1);
        return options.Batches.Select(batch => new BatchingPoint(NfeBenchmark.Run(new NfeBenchmarkOptions(options.Name, options.Config, batch,
            options.Size, options.Repeats, options.Warmup, options.Seed, ForwardOnly: false)), options.EvaluationsPerImage)).ToList();
    }
}
