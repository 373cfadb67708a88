using static TorchSharp.torch;

namespace Spgd.Core.Operators;

/// <summary>A forward (degradation) operator A of an inverse problem y = A(x) + σ_y·n.</summary>
public abstract class ForwardOperator : IDisposable
{
    /// <summary>The canonical task name (e.g. <c>inpainting_random</c>); see <c>TaskNames</c>.</summary>
    public abstract string Task { get; }

    /// <summary>Applies A to a batch x (NCHW, [-1, 1]); differentiable with respect to x.</summary>
    public abstract Tensor Apply(Tensor x);

    /// <summary>
    /// Whether <paramref name="other"/> applies exactly this A (same parameters, same device), so that a stack of such
    /// operators may run as one batched call. False unless an operator overrides it.
    /// </summary>
    public virtual bool SameOperatorAs(ForwardOperator other) => false;

    /// <summary>Moves any tensors the operator holds (mask, kernel) to <paramref name="device"/>.</summary>
    public virtual void To(Device device) { }

    /// <summary>Releases tensors the operator holds.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases tensors the operator holds.</summary>
    protected virtual void Dispose(bool disposing) { }
}
