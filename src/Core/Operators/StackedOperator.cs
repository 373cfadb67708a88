using static TorchSharp.torch;

namespace Spgd.Core.Operators;

/// <summary>
/// A batch of independent problems as one operator: sample b of the batch goes through its own operator
/// <c>parts[b]</c> (its own mask or kernel), and the outputs are concatenated on the batch dimension. Lets one sampler
/// run several items whose operators were drawn from different seeds, each item seeing exactly its own A.
/// </summary>
/// <remarks>Does not own its parts: the caller disposes them (and need not dispose this).</remarks>
public sealed class StackedOperator : ForwardOperator
{
    private readonly IReadOnlyList<ForwardOperator> _parts;

    /// <summary>Stacks <paramref name="parts"/> (at least one, all of the same task).</summary>
    /// <exception cref="ArgumentException">No parts, or parts of different tasks.</exception>
    public StackedOperator(IReadOnlyList<ForwardOperator> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("A stacked operator needs at least one part.", nameof(parts));
        if (parts.Select(p => p.Task).Distinct().Count() > 1)
            throw new ArgumentException($"Stacked operators must share one task; got {string.Join(", ", parts.Select(p => p.Task).Distinct())}.", nameof(parts));
        _parts = parts;
    }

    /// <inheritdoc />
    public override string Task => _parts[0].Task;

    /// <summary>Operators stacked, one per sample.</summary>
    public int Count => _parts.Count;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">x's batch size is not <see cref="Count"/>.</exception>
    public override Tensor Apply(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4 || x.shape[0] != _parts.Count)
            throw new ArgumentException($"A stack of {_parts.Count} operators needs an NCHW batch of {_parts.Count}; got shape [{string.Join(", ", x.shape)}].", nameof(x));
        // One call for the whole batch when every item has the same A (e.g. a network-based operator): the per-item loop
        // would run the network once per item.
        if (_parts.Count == 1 || _parts.Skip(1).All(_parts[0].SameOperatorAs)) return _parts[0].Apply(x);
        using var scope = NewDisposeScope();
        var outputs = new Tensor[_parts.Count];
        for (var b = 0; b < _parts.Count; b++) outputs[b] = _parts[b].Apply(x.narrow(0, b, 1));
        return scope.MoveToOuter(cat(outputs, 0));
    }

    /// <inheritdoc />
    public override void To(Device device)
    {
        foreach (var part in _parts) part.To(device);
    }
}
