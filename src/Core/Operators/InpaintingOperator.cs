using static TorchSharp.torch;

namespace Spgd.Core.Operators;

/// <summary>Inpainting's forward operator y = m ⊙ x with one H×W mask (1 keeps a pixel) shared by all channels.</summary>
public sealed class InpaintingOperator : ForwardOperator
{
    private Tensor _mask; // [1, 1, H, W]

    /// <summary>
    /// Creates the operator for <paramref name="task"/> (inpainting_random or inpainting_box) from a mask whose last
    /// two dimensions are H×W and whose leading dimensions are all 1 (e.g. [H, W] or [1, 1, H, W]).
    /// </summary>
    /// <exception cref="ArgumentException">Wrong task, wrong mask shape, or values outside [0, 1].</exception>
    public InpaintingOperator(string task, Tensor mask)
    {
        Task = TaskNames.Normalize(task);
        if (Task is not (TaskNames.InpaintingRandom or TaskNames.InpaintingBox))
            throw new ArgumentException($"InpaintingOperator is for {TaskNames.InpaintingRandom} or {TaskNames.InpaintingBox}, not '{Task}'", nameof(task));
        if (mask.dim() < 2 || mask.shape.SkipLast(2).Any(d => d != 1))
            throw new ArgumentException($"inpainting mask must be H×W (leading dimensions of size 1 allowed), got shape [{string.Join(", ", mask.shape)}]", nameof(mask));
        using var scope = NewDisposeScope();
        var m = mask.detach().to(ScalarType.Float32, CPU).reshape(1, 1, mask.shape[^2], mask.shape[^1]);
        if (!(m >= 0).logical_and(m <= 1).all().item<bool>())
            throw new ArgumentException("inpainting mask values must lie in [0, 1] (1 keeps a pixel)", nameof(mask));
        _mask = m.contiguous().clone().DetachFromDisposeScope();
    }

    /// <inheritdoc/>
    public override string Task { get; }

    /// <summary>A copy of the mask, [1, 1, H, W].</summary>
    public Tensor Mask => _mask.clone();

    /// <summary>Fraction of pixels the mask keeps.</summary>
    public double KeptFraction
    {
        get
        {
            using var scope = NewDisposeScope();
            return _mask.mean().cpu().item<float>();
        }
    }

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x)
    {
        if (x.dim() != 4 || x.shape[2] != _mask.shape[2] || x.shape[3] != _mask.shape[3])
            throw new ArgumentException($"{Task}: mask is {_mask.shape[2]}×{_mask.shape[3]}, input shape is [{string.Join(", ", x.shape)}]", nameof(x));
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(x * _mask.to(x.dtype, x.device));
    }

    /// <inheritdoc/>
    public override void To(Device device)
    {
        var moved = _mask.to(device).DetachFromDisposeScope();
        if (!ReferenceEquals(moved, _mask)) { _mask.Dispose(); _mask = moved; }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _mask.Dispose();
    }
}
