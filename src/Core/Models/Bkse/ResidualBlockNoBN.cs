using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spgd.Core.Models.Bkse;

/// <summary>BKSE's <c>ResidualBlock_noBN</c>: x + conv2(relu(conv1(x))), 3×3 convolutions with bias.</summary>
internal sealed class ResidualBlockNoBN : nn.Module<Tensor, Tensor>
{
    // Field names are the state-dict names.
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;

    public ResidualBlockNoBN(long features, Device? device) : base(nameof(ResidualBlockNoBN))
    {
        conv1 = nn.Conv2d(features, features, 3, padding: 1, device: device);
        conv2 = nn.Conv2d(features, features, 3, padding: 1, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(x + conv2.forward(nn.functional.relu(conv1.forward(x))));
    }
}
