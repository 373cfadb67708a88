using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Benchmarks;

/// <summary>Result of <see cref="MachineRateBenchmark.Run"/>: the machine's attainable rates through libtorch.</summary>
/// <param name="MatrixSize">Side n of the square float32 matmul.</param>
/// <param name="Matmul">Seconds per n×n by n×n matmul.</param>
/// <param name="CopyMiB">Size of the tensor copied for the bandwidth figure.</param>
/// <param name="Copy">Seconds per copy.</param>
/// <param name="Threads">libtorch intra-op threads.</param>
public sealed record MachineRates(int MatrixSize, TimingSummary Matmul, int CopyMiB, TimingSummary Copy, int Threads)
{
    /// <summary>float32 matmul rate, 2n³ FLOPs over the median time: the ceiling for convolution-heavy work.</summary>
    public double MatmulGflopsPerSecond => 2.0 * MatrixSize * MatrixSize * MatrixSize / Matmul.Median / 1e9;

    /// <summary>Memory bandwidth of a large copy (bytes read + bytes written over the median time), GB/s.</summary>
    public double CopyGBPerSecond => 2.0 * CopyMiB * (1 << 20) / Copy.Median / 1e9;
}

/// <summary>Measures the floor the other benchmarks are judged against: a big float32 matmul (compute bound) and a
/// big tensor copy (bandwidth bound), through the same libtorch and thread settings as the network.</summary>
public static class MachineRateBenchmark
{
    /// <summary>Times an <paramref name="matrixSize"/>² matmul and a <paramref name="copyMiB"/> MiB copy.</summary>
    public static MachineRates Run(int matrixSize = 2048, int copyMiB = 256, int repeats = 5, int warmup = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(matrixSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(copyMiB, 1);
        using var generator = new Generator(0);
        using var a = randn([matrixSize, matrixSize], generator: generator);
        using var b = randn([matrixSize, matrixSize], generator: generator);
        var matmul = TimingSummary.Measure(() => torch.mm(a, b).Dispose(), repeats, warmup);

        long elements = (long)copyMiB * (1 << 20) / 4;
        using var source = ones(elements);
        using var target = empty(elements);
        var copy = TimingSummary.Measure(() => target.copy_(source), repeats, warmup);
        return new MachineRates(matrixSize, matmul, copyMiB, copy, get_num_threads());
    }
}
