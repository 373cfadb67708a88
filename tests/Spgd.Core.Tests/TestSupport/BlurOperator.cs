using Spgd.Core.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.TestSupport;

/// <summary>Test-only blur: reflection padding then a depthwise convolution with a k×k kernel.</summary>
internal sealed class BlurOperator(Tensor kernel) : ForwardOperator
{
    private Tensor _kernel = kernel;

    public override string Task => "gaussian_blur";

    public override Tensor Apply(Tensor x)
    {
        var k = _kernel.shape[^1];
        var channels = x.shape[1];
        var weight = _kernel.reshape(1, 1, k, k).expand(channels, 1, k, k);
        var pad = k / 2;
        var padded = nn.functional.pad(x, [pad, pad, pad, pad], PaddingModes.Reflect);
        return nn.functional.conv2d(padded, weight, groups: channels);
    }

    public override void To(Device device) => _kernel = _kernel.to(device);

    protected override void Dispose(bool disposing) => _kernel.Dispose();
}
