namespace Spgd.Core.Sampling;

/// <summary>Which posterior sampler <see cref="PosteriorSamplers.Create"/> builds.</summary>
public enum SamplerAlgorithm
{
    /// <summary>SPGD: N likelihood warm-up steps (with ADM) before each denoising step.</summary>
    Spgd,

    /// <summary>The DPS baseline (Chung et al. 2023): one denoising step, then one likelihood step of size ζ, per outer step.</summary>
    Dps,
}
