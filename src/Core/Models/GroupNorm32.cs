using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Spgd.Core.Models;

/// <summary>GroupNorm with 32 groups and eps 1e-5, computed in at least float32 (as guided-diffusion's
/// <c>normalization</c>), so reduced-precision activations are normalised without overflow; a float64 network (the
/// tests' reference) normalises in float64.</summary>
internal sealed class GroupNorm32 : nn.Module<Tensor, Tensor>
{
    private const int Groups = 32;
    private const double Eps = 1e-5;

    // Field names are the state-dict names.
    private readonly Parameter weight;
    private readonly Parameter bias;

    public GroupNorm32(long channels, Device? device) : base(nameof(GroupNorm32))
    {
        weight = new Parameter(torch.ones(channels, device: device), requires_grad: false);
        bias = new Parameter(torch.zeros(channels, device: device), requires_grad: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        if (x.dtype is ScalarType.Float32 or ScalarType.Float64) return F.group_norm(x, Groups, weight, bias, Eps);
        using var wide = x.to(ScalarType.Float32);
        using var normed = F.group_norm(wide, Groups, weight, bias, Eps);
        return normed.to(x.dtype);
    }
}
