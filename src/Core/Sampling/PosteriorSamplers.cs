using Spgd.Core.Denoising;
using Spgd.Core.Diagnostics;

namespace Spgd.Core.Sampling;

/// <summary>Builds the sampler that <see cref="SpgdOptions.Algorithm"/> selects.</summary>
public static class PosteriorSamplers
{
    /// <summary>An <see cref="SpgdSampler"/> or a <see cref="DpsSampler"/> over <paramref name="denoiser"/>.</summary>
    /// <param name="denoiser">The prior.</param>
    /// <param name="options">The settings; <see cref="SpgdOptions.Algorithm"/> picks the sampler.</param>
    /// <param name="diagnostics">Optional sink of per-step gradient diagnostics; null computes none.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static IPosteriorSampler Create(IDenoiser denoiser, SpgdOptions options, IGradientDiagnosticsSink? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Algorithm switch
        {
            SamplerAlgorithm.Spgd => new SpgdSampler(denoiser, options, diagnostics),
            SamplerAlgorithm.Dps => new DpsSampler(denoiser, options, diagnostics),
            var baseline when BaselineSamplers.NameOf(baseline) is { } name => throw new ArgumentException(
                $"Sampler {name} runs at its protocol for a task with its own noise: build it with BaselineSamplers.Create.", nameof(options)),
            _ => throw new ArgumentException($"Unknown sampler algorithm {(int)options.Algorithm}; expected Spgd or Dps.", nameof(options)),
        };
    }
}
