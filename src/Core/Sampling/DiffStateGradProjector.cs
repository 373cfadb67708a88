using static TorchSharp.torch;

namespace Spgd.Core.Sampling;

/// <summary>
/// DiffStateGrad: projects a likelihood gradient onto the low-rank subspace of the current diffusion state B.
/// For each sample and channel c, B_c = U S Vᵀ; r_c = 1 + the first index at which the cumulative energy
/// Σs²/Σs² reaches τ; the sample's rank is r = ⌊mean_c r_c⌋ and each channel's gradient becomes
/// U_r U_rᵀ g_c V_r V_rᵀ. Holds the truncated bases; dispose it when the outer step ends.
/// </summary>
public sealed class DiffStateGradProjector : IDisposable
{
    private readonly Tensor[] _left;   // per sample: U_r, [C, H, r]
    private readonly Tensor[] _right;  // per sample: V_rᵀ, [C, r, W]

    private DiffStateGradProjector(Tensor[] left, Tensor[] right, int[] ranks)
    {
        _left = left;
        _right = right;
        Ranks = ranks;
    }

    /// <summary>The rank r used for each sample.</summary>
    public IReadOnlyList<int> Ranks { get; }

    /// <summary>Builds the projector from the state <paramref name="state"/> (NCHW, typically x̂₀) and cut-off τ ∈ (0, 1].</summary>
    /// <exception cref="ArgumentException">state is not NCHW or τ is outside (0, 1].</exception>
    public static DiffStateGradProjector FromState(Tensor state, double tau)
    {
        if (state.dim() != 4) throw new ArgumentException($"DiffStateGrad needs an NCHW state; got shape [{string.Join(", ", state.shape)}].", nameof(state));
        if (!(tau > 0 && tau <= 1)) throw new ArgumentOutOfRangeException(nameof(tau), tau, "τ must be in (0, 1].");
        using var scope = NewDisposeScope();
        var (u, s, vh) = linalg.svd(state.detach(), fullMatrices: false); // batched over [B, C]: U [B,C,H,K], S [B,C,K], Vh [B,C,K,W]
        var batch = (int)state.shape[0];
        var channels = (int)state.shape[1];
        var singular = s.to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        var k = (int)s.shape[2];
        var left = new Tensor[batch];
        var right = new Tensor[batch];
        var ranks = new int[batch];
        for (var b = 0; b < batch; b++)
        {
            var total = 0;
            for (var c = 0; c < channels; c++)
                total += RankFor(singular.AsSpan((b * channels + c) * k, k), tau);
            ranks[b] = Math.Max(1, total / channels);
            // Owned by the projector, not by any dispose scope of the caller.
            left[b] = u[b, .., .., ..ranks[b]].contiguous();
            right[b] = vh[b, .., ..ranks[b], ..].contiguous();
            left[b].DetachFromDisposeScope();
            right[b].DetachFromDisposeScope();
        }
        return new DiffStateGradProjector(left, right, ranks);
    }

    /// <summary>r = 1 + the first index where the cumulative share of Σs² reaches τ (numpy <c>searchsorted</c>, left).</summary>
    public static int RankFor(ReadOnlySpan<double> singularValues, double tau)
    {
        double total = 0;
        foreach (var v in singularValues) total += v * v;
        if (!(total > 0)) return 1;
        double cumulative = 0;
        for (var i = 0; i < singularValues.Length; i++)
        {
            cumulative += singularValues[i] * singularValues[i];
            if (cumulative / total >= tau) return i + 1;
        }
        return singularValues.Length;
    }

    /// <summary>Projects <paramref name="gradient"/> (same shape as the state) channel by channel: U_r U_rᵀ g V_r V_rᵀ.</summary>
    public Tensor Project(Tensor gradient)
    {
        if (gradient.dim() != 4 || gradient.shape[0] != _left.Length)
            throw new ArgumentException($"Gradient shape [{string.Join(", ", gradient.shape)}] does not match the state's batch of {_left.Length}.", nameof(gradient));
        using var scope = NewDisposeScope();
        var projected = new Tensor[_left.Length];
        for (var b = 0; b < _left.Length; b++)
        {
            var u = _left[b];
            var vh = _right[b];
            var core = matmul(matmul(u.transpose(1, 2), gradient[b]), vh.transpose(1, 2));
            projected[b] = matmul(matmul(u, core), vh);
        }
        return scope.MoveToOuter(stack(projected));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _left) t.Dispose();
        foreach (var t in _right) t.Dispose();
    }
}
