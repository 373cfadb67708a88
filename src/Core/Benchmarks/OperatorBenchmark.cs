using Spgd.Core.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Benchmarks;

/// <summary>One operator's timings from <see cref="OperatorBenchmark.Run"/>.</summary>
/// <param name="Task">Canonical task name.</param>
/// <param name="Apply">Seconds per y = A(x) without autograd.</param>
/// <param name="ApplyWithGradient">Seconds per A(x) plus the gradient of ‖A(x) − y‖² to x (what each SPGD iteration adds to the network's cost).</param>
public sealed record OperatorTiming(string Task, TimingSummary Apply, TimingSummary ApplyWithGradient);

/// <summary>Times every forward operator at a batch and size, with the default task parameters (61×61 blur kernels,
/// 80 % random inpainting, ×4 super-resolution, …). Random inputs from <paramref name="Seed"/>.</summary>
/// <param name="Batch">Images per call.</param>
/// <param name="Size">Image side.</param>
/// <param name="Repeats">Timed calls.</param>
/// <param name="Warmup">Untimed calls first.</param>
/// <param name="Seed">Seed of the operators' randomness and the inputs.</param>
/// <param name="Tasks">Tasks to time (default: <see cref="DefaultTasks"/>).</param>
public sealed record OperatorBenchmark(int Batch = 4, int Size = 256, int Repeats = 5, int Warmup = 1, ulong Seed = 0, IReadOnlyList<string>? Tasks = null)
{
    /// <summary>Every task that needs no trained network (nonlinear_blur needs its checkpoint, which a benchmark cannot assume).</summary>
    public static IReadOnlyList<string> DefaultTasks { get; } = TaskNames.All.Where(t => t != TaskNames.NonlinearBlur).ToList();

    /// <summary>Runs the measurement on the CPU.</summary>
    /// <exception cref="ArgumentException">An unknown task.</exception>
    public IReadOnlyList<OperatorTiming> Run()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Size, 1);
        var tasks = (Tasks ?? DefaultTasks).Select(TaskNames.Normalize).ToList();
        var results = new List<OperatorTiming>();
        using var generator = new Generator(Seed);
        using var x = rand([Batch, 3, Size, Size], generator: generator) * 2 - 1;
        foreach (var task in tasks)
        {
            using var op = OperatorFactory.Create(new OperatorSettings(task), Size, Size, Seed);
            using var y = ApplyNoGrad(op, x);
            var apply = TimingSummary.Measure(() => ApplyNoGrad(op, x).Dispose(), Repeats, Warmup);
            var withGradient = TimingSummary.Measure(() =>
            {
                using var scope = NewDisposeScope();
                var xg = x.detach().requires_grad_(true);
                var loss = (op.Apply(xg) - y).abs().square().sum();
                _ = autograd.grad([loss], [xg])[0].sum().item<float>();
            }, Repeats, Warmup);
            results.Add(new OperatorTiming(task, apply, withGradient));
        }
        return results;
    }

    private static Tensor ApplyNoGrad(ForwardOperator op, Tensor x)
    {
        using var _ = no_grad();
        return op.Apply(x);
    }
}
