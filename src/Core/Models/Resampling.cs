using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Spgd.Core.Models;

/// <summary>How a residual block changes the resolution (guided-diffusion's <c>up</c>/<c>down</c> ResBlocks).</summary>
internal enum Resampling
{
    None,
    Down,
    Up,
}

/// <summary>The parameter-free resamplers: 2×2 average pooling down, nearest-neighbour ×2 up.</summary>
internal static class Resample
{
    public static Tensor Apply(Tensor x, Resampling mode) => mode switch
    {
        _ when mode != Resampling.None && CpuBf16Resampling.Applies(x) => CpuBf16Resampling.Apply(x, mode),
        Resampling.Down => F.avg_pool2d(x, [2, 2], [2, 2]),
        Resampling.Up => F.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest),
        _ => x,
    };
}

/// <summary>Down-sampling by a stride-2 3×3 convolution (used when <c>resblock_updown</c> is off); state-dict name <c>op</c>.</summary>
internal sealed class Downsample : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> op;

    public Downsample(long channels, Device? device) : base(nameof(Downsample))
    {
        op = nn.Conv2d(channels, channels, 3, stride: 2, padding: 1, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => op.forward(x);
}

/// <summary>Nearest ×2 up-sampling followed by a 3×3 convolution (used when <c>resblock_updown</c> is off); state-dict name <c>conv</c>.</summary>
internal sealed class Upsample : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv;

    public Upsample(long channels, Device? device) : base(nameof(Upsample))
    {
        conv = nn.Conv2d(channels, channels, 3, padding: 1, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var up = Resample.Apply(x, Resampling.Up);
        return conv.forward(up);
    }
}
