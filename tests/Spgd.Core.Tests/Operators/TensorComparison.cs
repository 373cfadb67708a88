using static TorchSharp.torch;

namespace Spgd.Core.Tests.Operators;

internal static class TensorComparison
{
    /// <summary>Same shape and bit-for-bit equal values.</summary>
    public static bool SameAs(this Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var eq = a.eq(b);
        using var all = eq.all();
        return all.item<bool>();
    }
}
