using Spgd.Core.Operators;
using static TorchSharp.torch;

namespace Spgd.Core.Sampling;

/// <summary>A diffusion posterior sampler: restores x from a measurement y = A(x) + noise, starting from x_T.</summary>
public interface IPosteriorSampler
{
    /// <summary>Denoiser (network) evaluations made by this sampler so far, over all runs.</summary>
    long NetworkEvaluations { get; }

    /// <summary>Runs the sampler from <paramref name="xStart"/> and returns the final x (detached, owned by the caller).</summary>
    /// <param name="xStart">The initial state x_T (NCHW, typically σ_max·n); not modified.</param>
    /// <param name="y">The measurement, on xStart's device.</param>
    /// <param name="op">The forward operator A, on the same device.</param>
    /// <param name="onStep">Called after each outer step; its tensors are only valid during the call.</param>
    /// <param name="ct">Checked before every network evaluation.</param>
    Tensor Sample(Tensor xStart, Tensor y, ForwardOperator op, Action<SamplerStep>? onStep = null, CancellationToken ct = default);
}
