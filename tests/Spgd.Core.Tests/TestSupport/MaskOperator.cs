using Spgd.Core.Operators;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.TestSupport;

/// <summary>Test-only inpainting operator A(x) = mask ⊙ x.</summary>
internal sealed class MaskOperator(Tensor mask) : ForwardOperator
{
    private Tensor _mask = mask;

    public override string Task => "inpainting_random";

    public override Tensor Apply(Tensor x) => x * _mask;

    public override void To(Device device) => _mask = _mask.to(device);

    protected override void Dispose(bool disposing) => _mask.Dispose();
}
