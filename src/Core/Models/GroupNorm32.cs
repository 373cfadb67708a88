using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Spgd.Core.Models;

/// <summary>GroupNorm with 32 groups and eps 1e-5, computed in at least float32 (as guided-diffusion's
/// <c>normalization</c>), so reduced-precision activations are normalised without overflow; a float64 network (the
/// tests' reference) normalises in float64.</summary>
/// <remarks>bf16 on a CPU goes to libtorch's mixed-type kernel (bf16 input, float32 affine parameters): it accumulates
/// the statistics and normalises in float32 and rounds only the output, which is the arithmetic of widening to float32
/// and back, in one pass over memory instead of three, and a backward without the two conversions. Elsewhere (fp16,
/// GPUs) the input is widened explicitly, as guided-diffusion does.</remarks>
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

    public override Tensor forward(Tensor x) => Normalize(x, Groups, weight, bias);

    /// <summary>
    /// <c>forward(x)·(1 + scale) + shift</c> for per-image, per-channel <paramref name="scale"/> and <paramref name="shift"/>
    /// [N, C, 1, 1] (a residual block's scale-shift norm), as ONE GroupNorm: image n's channels become channels of a
    /// single image with n's groups, and the modulation folds into per-(image, channel) affine terms, computed in float32.
    /// One pass over the activations instead of three, and in reduced precision one rounding instead of three.
    /// </summary>
    public Tensor forward(Tensor x, Tensor scale, Tensor shift)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], c = x.shape[1];
        var paramType = weight.dtype == ScalarType.Float64 || x.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var gain = scale.reshape(n, c).to(paramType) + 1;
        var foldedWeight = (weight.to(paramType).unsqueeze(0) * gain).reshape(n * c);
        var foldedBias = (bias.to(paramType).unsqueeze(0) * gain + shift.reshape(n, c).to(paramType)).reshape(n * c);
        var normed = Normalize(x.reshape(1, n * c, x.shape[2], x.shape[3]), n * Groups, foldedWeight, foldedBias);
        return scope.MoveToOuter(normed.reshape(x.shape));
    }

    private static Tensor Normalize(Tensor x, long groups, Tensor gamma, Tensor beta)
    {
        if (x.dtype is ScalarType.Float32 or ScalarType.Float64) return F.group_norm(x, groups, gamma, beta, Eps);
        if (x.dtype == ScalarType.BFloat16 && x.device_type == DeviceType.CPU) return F.group_norm(x, groups, gamma, beta, Eps);
        using var wide = x.to(ScalarType.Float32);
        using var normed = F.group_norm(wide, groups, gamma, beta, Eps);
        return normed.to(x.dtype);
    }
}
