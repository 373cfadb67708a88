namespace Spgd.Core.Sampling;

/// <summary>Which posterior sampler <see cref="PosteriorSamplers.Create"/> builds.</summary>
public enum SamplerAlgorithm
{
    /// <summary>SPGD: N likelihood warm-up steps (with ADM) before each denoising step.</summary>
    Spgd,

    /// <summary>DPS's likelihood step on SPGD's EDM schedule (spec name <c>dps-edm</c>): one deterministic denoising step,
    /// then one likelihood step of size ζ, per outer step.</summary>
    Dps,

    /// <summary>DPS by its protocol (<see cref="DpsAncestralSampler"/>; spec name <c>dps</c>), at <see cref="BaselineSamplers"/>' settings.</summary>
    DpsAncestral,

    /// <summary><see cref="DdrmSampler"/> at <see cref="BaselineSamplers"/>' settings.</summary>
    Ddrm,

    /// <summary><see cref="DiffPirSampler"/> at <see cref="BaselineSamplers"/>' settings.</summary>
    DiffPir,

    /// <summary><see cref="RedDiffSampler"/> at <see cref="BaselineSamplers"/>' settings.</summary>
    RedDiff,
}
