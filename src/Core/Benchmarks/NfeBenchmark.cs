using Spgd.Core.Denoising;
using Spgd.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Benchmarks;

/// <summary>What <see cref="NfeBenchmark"/> measures.</summary>
/// <param name="Name">Label of the network (a preset name or a config file).</param>
/// <param name="Config">The UNet architecture; weights are random (seeded), so no checkpoint is needed.</param>
/// <param name="Batch">Images per evaluation.</param>
/// <param name="Size">Image side; defaults to the config's image size.</param>
/// <param name="Repeats">Timed evaluations.</param>
/// <param name="Warmup">Untimed evaluations first (allocator, kernel selection and .NET JIT warm-up; more run while the JIT
/// is busy, see <see cref="WarmUp"/>).</param>
/// <param name="Seed">Seed of the random weights and inputs.</param>
/// <param name="Sigma">Noise level σ of the evaluation (the cost does not depend on it).</param>
/// <param name="ForwardOnly">Also time the forward pass alone, without autograd.</param>
/// <param name="RecomputeActivations">See <see cref="GuidedDiffusionUNet.RecomputeActivations"/> (off only to measure its effect).</param>
/// <param name="Precision">The torso's arithmetic (see <see cref="UNetPrecision"/>).</param>
/// <param name="ReferenceCost">Do the official code's work on our libtorch: weights that require grad (autograd then saves
/// every layer's input for a weight gradient it could be asked for) and no recomputed activations. Separates what the
/// algorithm saves from what the newer library gives. guided-diffusion's recomputation of attention in the backward is
/// not reproduced (attention is a few per cent of the FLOPs at 256²).</param>
/// <param name="Baseline">A precision to compare with in the same process: the same network (same seed) is built a second
/// time in it and the two are timed in alternation (<see cref="PairedTiming"/>); null for none.</param>
public sealed record NfeBenchmarkOptions(string Name, UNetConfig Config, int Batch = 1, int? Size = null, int Repeats = 3,
    int Warmup = 1, ulong Seed = 0, double Sigma = 1.0, bool ForwardOnly = true, bool RecomputeActivations = true,
    UNetPrecision Precision = UNetPrecision.Fp32, bool ReferenceCost = false, UNetPrecision? Baseline = null);

/// <summary>Result of <see cref="NfeBenchmark.Run"/>.</summary>
/// <param name="Options">What was measured.</param>
/// <param name="Threads">libtorch intra-op threads during the run.</param>
/// <param name="ParameterCount">Weights of the network.</param>
/// <param name="Gradient">Seconds per evaluation with the likelihood gradient: VP-denoiser forward, then backward to x.</param>
/// <param name="Forward">Seconds per forward pass alone (no autograd), when measured.</param>
/// <param name="ResidentAfterLoadMiB">RSS once the network is built, before any evaluation.</param>
/// <param name="ResidentAfterForwardMiB">RSS between the forward and the backward of the first warm-up pass: the
/// weights plus what autograd saved (null without warm-up).</param>
/// <param name="PeakResidentMiB">VmHWM of the process at the end (includes everything the process did before).</param>
/// <param name="Cost">The architecture's FLOP and memory model for this batch and size.</param>
/// <param name="Comparison">With <see cref="NfeBenchmarkOptions.Baseline"/>: the baseline's and this precision's
/// evaluations timed in alternation (<see cref="Gradient"/> is then its candidate side); the process held both networks,
/// so the memory figures are not this precision's alone.</param>
public sealed record NfeBenchmarkResult(NfeBenchmarkOptions Options, int Threads, long ParameterCount, TimingSummary Gradient,
    TimingSummary? Forward, double? ResidentAfterLoadMiB, double? ResidentAfterForwardMiB, double? PeakResidentMiB, UNetCost Cost,
    PairedTiming? Comparison = null)
{
    /// <summary>Achieved rate of the gradient pass in GFLOP/s, counting it as forward + backward = 3× forward FLOPs
    /// (the backward to the input needs only the input gradients, ≈ 1× forward; see <see cref="UNetCost"/>).</summary>
    public double GradientGflopsPerSecond => Cost.GradientPassFlops / Gradient.Median / 1e9;

    /// <summary>Achieved rate of the forward pass alone in GFLOP/s.</summary>
    public double? ForwardGflopsPerSecond => Forward is null ? null : Cost.ForwardFlops / Forward.Median / 1e9;
}

/// <summary>
/// Times one network function evaluation (NFE) the way the SPGD sampler does it: x requires grad, x̂₀ = D(x, σ) through
/// the VP-preconditioned UNet, L = ‖x̂₀ − y‖², and <c>autograd.grad(L, x)</c> (no retained graph). Each evaluation runs in
/// its own dispose scope, so its activations are freed before the next one.
/// </summary>
public static class NfeBenchmark
{
    /// <summary>Builds the network with seeded random weights on CPU and runs the measurement.</summary>
    public static NfeBenchmarkResult Run(NfeBenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Batch, 1);
        int size = options.Size ?? options.Config.ImageSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);

        foreach (var precision in new[] { options.Precision, options.Baseline }.OfType<UNetPrecision>())
            if (UNetPrecisions.Refusal(precision, DeviceType.CPU, Runtime.CpuFeatures.Current) is { } refusal) throw new ArgumentException(refusal);

        using var denoiser = Build(options, options.Precision);
        using var baseline = options.Baseline is { } b ? Build(options, b) : null;
        double? afterLoad = ProcessMemory.ResidentMiB;
        using var generator = new Generator(options.Seed + 1);
        using var x = torch.randn([options.Batch, 3, size, size], generator: generator);
        using var y = torch.randn([options.Batch, 3, size, size], generator: generator) * 0.5;

        double? afterForward = null;
        // The first warm-up pass also records the resident memory between forward and backward.
        bool recordMemory = options.Warmup > 0;
        void Evaluate()
        {
            GradientPass(denoiser, x, y, options.Sigma, recordMemory ? () => afterForward = ProcessMemory.ResidentMiB : null);
            recordMemory = false;
        }
        var comparison = baseline is null ? null
            : PairedTiming.Measure(() => GradientPass(baseline, x, y, options.Sigma), Evaluate, options.Repeats, options.Warmup);
        var gradient = comparison?.Candidate ?? TimingSummary.Measure(Evaluate, options.Repeats, options.Warmup);
        TimingSummary? forward = null;
        if (options.ForwardOnly)
        {
            forward = TimingSummary.Measure(() =>
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                denoiser.Denoise(x, options.Sigma);
            }, options.Repeats, options.Warmup);
        }
        var cost = UNetCostModel.Estimate(options.Config, options.Batch, size);
        return new NfeBenchmarkResult(options, torch.get_num_threads(), denoiser.Network.ParameterCount, gradient, forward,
            afterLoad, afterForward, ProcessMemory.PeakResidentMiB, cost, comparison);
    }

    /// <summary>The network of <paramref name="options"/> in <paramref name="precision"/>: the seed is set first, so every
    /// precision converts the same float32 weights.</summary>
    private static VpPreconditionedDenoiser Build(NfeBenchmarkOptions options, UNetPrecision precision)
    {
        torch.manual_seed((long)options.Seed);
        var network = new GuidedDiffusionUNet(options.Config) { RecomputeActivations = options.RecomputeActivations && !options.ReferenceCost };
        network.UsePrecision(precision);
        if (options.ReferenceCost)
            foreach (var p in network.parameters()) p.requires_grad = true;
        return new VpPreconditionedDenoiser(network);
    }

    /// <summary>Times <see cref="GradientPass"/> for any denoiser (e.g. the spectral Gaussian prior) on seeded random
    /// images of <paramref name="batch"/> × 3 × <paramref name="size"/>².</summary>
    public static TimingSummary TimeGradientPass(IDenoiser denoiser, int batch, int size, int repeats, int warmup, ulong seed = 0, double sigma = 1.0)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        using var generator = new Generator(seed + 1);
        using var x = torch.randn([batch, 3, size, size], generator: generator);
        using var y = torch.randn([batch, 3, size, size], generator: generator) * 0.5;
        return TimingSummary.Measure(() => GradientPass(denoiser, x, y, sigma), repeats, warmup);
    }

    /// <summary>One evaluation with the likelihood gradient; returns nothing, everything it allocates is freed.</summary>
    /// <param name="denoiser">The denoiser D.</param>
    /// <param name="x">The noisy images.</param>
    /// <param name="y">The target of the squared error.</param>
    /// <param name="sigma">σ.</param>
    /// <param name="afterForward">Called between the forward and the backward (e.g. to read the resident memory then).</param>
    public static void GradientPass(IDenoiser denoiser, Tensor x, Tensor y, double sigma, Action? afterForward = null)
    {
        using var scope = NewDisposeScope();
        var xg = x.detach().requires_grad_(true);
        var estimate = denoiser.Denoise(xg, sigma);
        afterForward?.Invoke();
        var objective = (estimate - y).square().sum();
        var grad = torch.autograd.grad([objective], [xg])[0];
        // Reading one value forces the whole computation (CPU kernels are synchronous, but this keeps it honest on a GPU).
        _ = grad.sum().item<float>();
    }
}
