using static TorchSharp.torch;

namespace Spgd.Core.Restoration;

/// <summary>
/// The outcome of a restoration, on the CPU. The result owns its tensors (they belong to no dispose scope): dispose
/// it when done.
/// </summary>
public sealed class RestorationResult : IDisposable
{
    internal RestorationResult(Tensor restored, Tensor measurement, Tensor? x0Hat, long networkEvaluations)
    {
        Restored = restored;
        Measurement = measurement;
        X0Hat = x0Hat;
        NetworkEvaluations = networkEvaluations;
    }

    /// <summary>The sampler's final x, [B, C, H, W] float32, not clipped (clip to [−1, 1] before saving or measuring).</summary>
    public Tensor Restored { get; }

    /// <summary>The simulated measurement y = A(x) + σ_y·n (its shape is the operator's output shape).</summary>
    public Tensor Measurement { get; }

    /// <summary>The denoised estimate x̂₀ of the last outer step, or null if the sampler did not report one.</summary>
    public Tensor? X0Hat { get; }

    /// <summary>Denoiser (network) evaluations the restoration used (T·N for SPGD, T for DPS).</summary>
    public long NetworkEvaluations { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Restored.Dispose();
        Measurement.Dispose();
        X0Hat?.Dispose();
    }
}
