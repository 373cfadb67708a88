namespace Spgd.Core.Models;

/// <summary>
/// A roofline-style projection of a gradient pass's time on an accelerator from <see cref="UNetCost"/>: multiply-add
/// work at a fraction of the dense matrix rate, plus elementwise work (GroupNorm, SiLU, adds) at a fraction of the
/// memory bandwidth, counting <see cref="BytesPerElementwiseFlop"/> bytes moved per elementwise FLOP (GroupNorm reads
/// its input twice and writes once for 8 FLOPs per element, ≈ 1.5 B/FLOP; SiLU 8 B for 4 FLOPs; adds 12 B for 1).
/// </summary>
/// <param name="Name">Device and number format.</param>
/// <param name="DenseTflops">Datasheet dense matrix rate in TFLOP/s (no sparsity).</param>
/// <param name="MemoryTBps">Datasheet memory bandwidth in TB/s.</param>
/// <param name="MatmulEfficiency">Fraction of <see cref="DenseTflops"/> convolutions reach (batch 1, 256², cuDNN).</param>
/// <param name="MemoryEfficiency">Fraction of <see cref="MemoryTBps"/> elementwise kernels reach.</param>
public sealed record AcceleratorProjection(string Name, double DenseTflops, double MemoryTBps, double MatmulEfficiency, double MemoryEfficiency)
{
    /// <summary>Bytes of memory traffic per elementwise FLOP (a weighted average over the UNet's elementwise work).</summary>
    public const double BytesPerElementwiseFlop = 3;

    /// <summary>H100 SXM, TF32 tensor cores: 494.7 dense TFLOP/s, 3.35 TB/s; 35 % / 60 % efficiency (convolutions at
    /// batch 1 with 128–512 channels keep the tensor cores about a third busy; elementwise kernels stream at ~60 %).</summary>
    public static AcceleratorProjection H100Tf32 { get; } = new("H100 SXM TF32", 494.7, 3.35, 0.35, 0.6);

    /// <summary>H100 SXM, strict float32 on the CUDA cores (TF32 off): 66.9 TFLOP/s, 3.35 TB/s; 60 % / 60 %.</summary>
    public static AcceleratorProjection H100Fp32 { get; } = new("H100 SXM FP32", 66.9, 3.35, 0.6, 0.6);

    /// <summary>H100 SXM, BF16 tensor cores: 989.4 dense TFLOP/s (results would change beyond float32 round-off).</summary>
    public static AcceleratorProjection H100Bf16 { get; } = new("H100 SXM BF16", 989.4, 3.35, 0.35, 0.6);

    /// <summary>H100 SXM, FP16 tensor cores (guided-diffusion's <c>use_fp16</c>): 989.4 dense TFLOP/s, as BF16.</summary>
    public static AcceleratorProjection H100Fp16 { get; } = new("H100 SXM FP16", 989.4, 3.35, 0.35, 0.6);

    /// <summary>RTX 4090, float32 on the CUDA cores: 82.6 TFLOP/s, 1.01 TB/s; 60 % / 60 % (the paper's card).</summary>
    public static AcceleratorProjection Rtx4090Fp32 { get; } = new("RTX 4090 FP32", 82.6, 1.008, 0.6, 0.6);

    /// <summary>The projections <c>spgd bench nfe</c> prints.</summary>
    public static IReadOnlyList<AcceleratorProjection> Standard { get; } = [H100Tf32, H100Fp32, H100Bf16, H100Fp16, Rtx4090Fp32];

    /// <summary>Seconds for one evaluation with the input gradient (<see cref="UNetCost.GradientPassFlops"/>), or with
    /// weight gradients too (<paramref name="weightGradients"/>: the official code's workload).</summary>
    public double SecondsPerGradientPass(UNetCost cost, bool weightGradients = false)
    {
        ArgumentNullException.ThrowIfNull(cost);
        double matmul = 2 * cost.MatmulFlops + cost.AttentionFlops;                     // forward + input-gradient backward
        if (weightGradients) matmul += cost.ConvolutionFlops + cost.LinearFlops;
        double elementwise = 2 * (cost.NormalizationFlops + cost.ElementwiseFlops);    // forward + backward
        return matmul / (DenseTflops * 1e12 * MatmulEfficiency)
            + BytesPerElementwiseFlop * elementwise / (MemoryTBps * 1e12 * MemoryEfficiency);
    }

    /// <summary>Seconds per image for <paramref name="evaluations"/> gradient passes at the cost's batch size.</summary>
    public double SecondsPerImage(UNetCost cost, int evaluations, bool weightGradients = false) =>
        SecondsPerGradientPass(cost, weightGradients) * evaluations / cost.Batch;
}
