using static TorchSharp.torch;

namespace Spgd.Core.Sampling;

/// <summary>
/// Adaptive directional momentum (SPGD paper, Eq. 12–13): within one outer step, g̃⁽⁰⁾ = g⁽⁰⁾ and
/// g̃⁽ʲ⁾ = a_j·β·g̃⁽ʲ⁻¹⁾ + (1 − a_j·β)·g⁽ʲ⁾ with a_j = (cos(g̃⁽ʲ⁻¹⁾, g⁽ʲ⁾) + 1)/2, the cosine taken over each
/// sample's whole C·H·W gradient. Agreeing gradients keep the momentum; opposing ones fall back to the new gradient.
/// </summary>
public static class AdaptiveDirectionalMomentum
{
    /// <summary>Below this norm a gradient counts as zero in the cosine (as in torch.cosine_similarity).</summary>
    private const double NormFloor = 1e-8;

    /// <summary>The per-sample agreement a = (cos(previous, gradient) + 1)/2, shape [B].</summary>
    public static Tensor Agreement(Tensor previous, Tensor gradient)
    {
        using var scope = NewDisposeScope();
        var a = previous.flatten(1);
        var g = gradient.flatten(1);
        var cosine = (a * g).sum(1) / (a.norm(1).clamp_min(NormFloor) * g.norm(1).clamp_min(NormFloor));
        return scope.MoveToOuter((cosine + 1) / 2);
    }

    /// <summary>One smoothing step: returns g̃⁽ʲ⁾ from g̃⁽ʲ⁻¹⁾ (<paramref name="previous"/>) and g⁽ʲ⁾ (<paramref name="gradient"/>).</summary>
    public static Tensor Smooth(Tensor previous, Tensor gradient, double beta)
    {
        using var scope = NewDisposeScope();
        var shape = new long[gradient.dim()];
        Array.Fill(shape, 1L);
        shape[0] = gradient.shape[0];
        var weight = Agreement(previous, gradient).mul(beta).reshape(shape);
        return scope.MoveToOuter(weight * previous + (1 - weight) * gradient);
    }
}
