using static TorchSharp.torch;

namespace Spgd.Core.Sampling;

/// <summary>Standard normal noise from a seeded CPU generator (so a run's draws do not depend on the device), moved to
/// the requesting tensor's device.</summary>
public sealed class GeneratorNoiseSource : INoiseSource, IDisposable
{
    private readonly Generator _generator;

    /// <summary>A source seeded with <paramref name="seed"/>.</summary>
    public GeneratorNoiseSource(long seed) => _generator = new Generator((ulong)seed, CPU);

    /// <inheritdoc />
    public Tensor NextLike(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        using var scope = NewDisposeScope();
        var n = randn(like.shape, ScalarType.Float32, CPU, generator: _generator).to(like.dtype, like.device);
        return scope.MoveToOuter(n);
    }

    /// <inheritdoc />
    public void Dispose() => _generator.Dispose();
}
