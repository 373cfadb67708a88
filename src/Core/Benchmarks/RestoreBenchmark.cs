using Spgd.Core.Denoising;
using Spgd.Core.Operators;
using Spgd.Core.Restoration;
using Spgd.Core.Sampling;
using static TorchSharp.torch;

namespace Spgd.Core.Benchmarks;

/// <summary>One task's timings from <see cref="RestoreBenchmark.Run"/>.</summary>
/// <param name="Task">Canonical task name.</param>
/// <param name="Seconds">Seconds per whole restoration of the batch (operator, measurement, all T·N evaluations).</param>
/// <param name="NetworkEvaluations">Denoiser evaluations per restoration.</param>
public sealed record RestoreTiming(string Task, TimingSummary Seconds, long NetworkEvaluations);

/// <summary>
/// Whole SPGD restorations of a batch through <see cref="Restorer"/> with a given denoiser (the spectral Gaussian prior by
/// default, which makes the sampler and the operators the cost rather than a network). Clean images are samples of
/// the default spectral prior (seeded), so no data set is needed.
/// </summary>
/// <param name="Denoiser">The prior; null for <see cref="SpectralGaussianPrior.Default"/>.</param>
/// <param name="Tasks">Tasks to time.</param>
/// <param name="Batch">Images restored together.</param>
/// <param name="Size">Image side.</param>
/// <param name="Steps">T, outer steps.</param>
/// <param name="Warmup">N, network evaluations per outer step.</param>
/// <param name="Repeats">Timed restorations per task.</param>
/// <param name="WarmupRuns">Untimed restorations first.</param>
/// <param name="Seed">Seed of images, operators and sampler.</param>
public sealed record RestoreBenchmark(IDenoiser? Denoiser, IReadOnlyList<string> Tasks, int Batch = 4, int Size = 256, int Steps = 50,
    int Warmup = 5, int Repeats = 3, int WarmupRuns = 1, ulong Seed = 0)
{
    /// <summary>The reference comparison's three tasks: random inpainting, ×4 super-resolution, Gaussian blur.</summary>
    public static IReadOnlyList<string> DefaultTasks { get; } = [TaskNames.InpaintingRandom, TaskNames.SuperResolution, TaskNames.GaussianBlur];

    /// <summary>Runs every task on the CPU.</summary>
    public IReadOnlyList<RestoreTiming> Run()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Batch, 1);
        var denoiser = Denoiser ?? SpectralGaussianPrior.Default;
        var restorer = new Restorer(denoiser, CPU);
        var sampler = new SpgdOptions { Steps = Steps, Warmup = Warmup };
        using var clean = SpectralGaussianPrior.Default.Sample(Batch, Size, Seed).clamp(-1, 1);
        var results = new List<RestoreTiming>();
        foreach (var task in Tasks.Select(TaskNames.Normalize))
        {
            var request = new RestorationRequest(clean, new OperatorSettings(task), sampler, Seed);
            long evaluations = 0;
            var timing = TimingSummary.Measure(() =>
            {
                using var result = restorer.Restore(request);
                evaluations = result.NetworkEvaluations;
            }, Repeats, WarmupRuns);
            results.Add(new RestoreTiming(task, timing, evaluations));
        }
        return results;
    }
}
