using static TorchSharp.torch;

namespace Spgd.Core.Operators;

/// <summary>Simulated measurements y = A(x) + σ_y·n.</summary>
public static class Measurement
{
    /// <summary>
    /// Returns y = A(clean) + σ·n (no gradient), with n ~ N(0, I) drawn on a CPU generator seeded by
    /// <paramref name="seed"/> and then moved to the measurement's device, so y is the same on every machine.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">noiseSigma negative or not finite.</exception>
    public static Tensor Simulate(ForwardOperator op, Tensor clean, double noiseSigma, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(clean);
        if (!(noiseSigma >= 0 && double.IsFinite(noiseSigma))) throw new ArgumentOutOfRangeException(nameof(noiseSigma), noiseSigma, "measurement noise sigma must be finite and >= 0");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var y0 = op.Apply(clean.detach());
        using var generator = new Generator(seed, CPU);
        var noise = randn(y0.shape, ScalarType.Float32, generator: generator).to(y0.dtype, y0.device);
        return scope.MoveToOuter(y0 + noise * noiseSigma);
    }
}
