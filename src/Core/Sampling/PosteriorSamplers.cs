using Spgd.Core.Denoising;

namespace Spgd.Core.Sampling;

/// <summary>Builds the sampler that <see cref="SpgdOptions.Algorithm"/> selects.</summary>
public static class PosteriorSamplers
{
    /// <summary>An <see cref="SpgdSampler"/> or a <see cref="DpsSampler"/> over <paramref name="denoiser"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static IPosteriorSampler Create(IDenoiser denoiser, SpgdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Algorithm switch
        {
            SamplerAlgorithm.Spgd => new SpgdSampler(denoiser, options),
            SamplerAlgorithm.Dps => new DpsSampler(denoiser, options),
            _ => throw new ArgumentException($"Unknown sampler algorithm {(int)options.Algorithm}; expected Spgd or Dps.", nameof(options)),
        };
    }
}
