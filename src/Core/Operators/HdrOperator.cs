using static TorchSharp.torch;

namespace Spgd.Core.Operators;

/// <summary>High dynamic range's forward operator: y = clip(scale·x, −1, 1) (the reference's high_dynamic_range).</summary>
public sealed class HdrOperator : ForwardOperator
{
    /// <summary>Creates the operator with gain <paramref name="scale"/> (reference: 2).</summary>
    /// <exception cref="ArgumentOutOfRangeException">scale not positive and finite.</exception>
    public HdrOperator(double scale = 2.0)
    {
        if (!(scale > 0 && double.IsFinite(scale))) throw new ArgumentOutOfRangeException(nameof(scale), scale, "HDR scale must be > 0");
        Scale = scale;
    }

    /// <inheritdoc/>
    public override string Task => TaskNames.Hdr;

    /// <summary>The gain.</summary>
    public double Scale { get; }

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter((x * Scale).clamp(-1.0, 1.0));
    }
}
