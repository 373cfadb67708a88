using Spgd.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Spgd.Core.Models;

/// <summary>
/// The resamplers of <see cref="Resample"/> for bfloat16 on a CPU, with the same values: libtorch's bf16
/// <c>avg_pool2d</c>, nearest up-sampling and their backwards run scalar loops over NCHW (bf16 pooling, forward and
/// backward, was about 4 % of a profile of an ffhq256 evaluation with gradient), while a 2×2 stride-2 depthwise
/// convolution and a broadcast copy are vectorised. The 2×2 sums are accumulated in float32 and rounded once, as libtorch's own kernels do.
/// </summary>
internal static class CpuBf16Resampling
{
    /// <summary>Whether <paramref name="x"/> is a bf16 tensor on the CPU (where these kernels are the faster ones).</summary>
    public static bool Applies(Tensor x) => x.dtype == ScalarType.BFloat16 && x.device_type == DeviceType.CPU;

    public static Tensor Apply(Tensor x, Resampling mode)
    {
        bool record = is_grad_enabled() && x.requires_grad;
        return mode switch
        {
            Resampling.Down => record ? AveragePoolFunction.apply(x) : Pool(x),
            Resampling.Up => record ? NearestUpFunction.apply(x) : Spread(x),
            _ => x,
        };
    }

    /// <summary>2×2 average pooling: a depthwise stride-2 convolution with weights ¼.</summary>
    public static Tensor Pool(Tensor x) => SumPool(x, 0.25);

    /// <summary>Each value of <paramref name="x"/> repeated over a 2×2 block: nearest ×2 up-sampling.</summary>
    public static Tensor Spread(Tensor x)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var spread = x.unsqueeze(3).unsqueeze(5).expand(n, c, h, 2, w, 2).reshape(n, c, 2 * h, 2 * w);
        return scope.MoveToOuter(spread);
    }

    // Σ over each 2×2 block, times factor (a power of two: the scaling is exact).
    private static Tensor SumPool(Tensor x, double factor)
    {
        using var weight = full(x.shape[1], 1, 2, 2, factor, dtype: x.dtype, device: x.device);
        return F.conv2d(x, weight, strides: [2, 2], groups: x.shape[1]);
    }

    // Average pooling's gradient spreads each output gradient, times ¼, over its 2×2 block.
    private sealed class AveragePoolFunction : autograd.SingleTensorFunction<AveragePoolFunction>
    {
        public override string Name => "CpuBf16AveragePool";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars) => Pool((Tensor)vars[0]);

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput) =>
            [ReturnedGradient.Hand(SpreadQuarter(gradOutput))];

        private static Tensor SpreadQuarter(Tensor gradOutput)
        {
            using var quarter = gradOutput * 0.25;
            return Spread(quarter);
        }
    }

    // Nearest up-sampling's gradient sums the four output gradients of each 2×2 block.
    private sealed class NearestUpFunction : autograd.SingleTensorFunction<NearestUpFunction>
    {
        public override string Name => "CpuBf16NearestUp";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars) => Spread((Tensor)vars[0]);

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput) =>
            [ReturnedGradient.Hand(SumPool(gradOutput, 1))];
    }
}
