namespace Spgd.Contracts.Sweeps;

/// <summary>
/// One sampler configuration of a sweep, with defaults resolved and unused settings cleared (so equal configurations
/// compare equal). <see cref="Label"/> names it in tables; <see cref="Key"/> is a file-name-safe form for storage paths.
/// </summary>
/// <param name="Label">Table row name, e.g. <c>SPGD N=5 β=0.95 ADM</c>.</param>
/// <param name="Key">ASCII slug, e.g. <c>spgd-n5-b0.95-adm</c>; unique within the sweep.</param>
/// <param name="Sampler">A <see cref="SamplerKinds"/> name (plain is SPGD N=1 without ADM); a baseline has Steps and Warmup 0 (its protocol's).</param>
/// <param name="Steps">T.</param>
/// <param name="Warmup">N (1 for DPS).</param>
/// <param name="LearningRate">lr, or null for the default (SPGD only).</param>
/// <param name="Beta">β in effect with ADM; null without ADM or for DPS.</param>
/// <param name="Preset">paper for SPGD (the preset's choices are resolved into <paramref name="Beta"/> and <paramref name="Adm"/>); null for DPS.</param>
/// <param name="Adm">Whether ADM shapes the warm-up steps (false for DPS).</param>
/// <param name="DiffStateGradTau">DiffStateGrad τ, or null when off.</param>
/// <param name="DpsStepSize">ζ for DPS; null otherwise (or for the default).</param>
/// <param name="AdmScope">Where ADM's momentum lives (<see cref="AdmScopes"/>; warmup without ADM).</param>
[GenerateSerializer, Immutable]
public sealed record GridPoint(
    [property: Id(0)] string Label,
    [property: Id(1)] string Key,
    [property: Id(2)] string Sampler,
    [property: Id(3)] int Steps,
    [property: Id(4)] int Warmup,
    [property: Id(5)] double? LearningRate,
    [property: Id(6)] double? Beta,
    [property: Id(7)] string? Preset,
    [property: Id(8)] bool Adm,
    [property: Id(9)] double? DiffStateGradTau,
    [property: Id(10)] double? DpsStepSize,
    [property: Id(11)] string AdmScope = SamplerDefaults.AdmScope)
{
    /// <summary>Network (denoiser) evaluations per restored image: T·N for SPGD, T for DPS-EDM; null for a baseline run at
    /// its own protocol (its sampler counts them when it runs; item records carry the count).</summary>
    public long? NetworkEvaluationsPerImage => SamplerKinds.IsBaseline(Sampler) ? null : Sampler == SamplerKinds.DpsEdm ? Steps : (long)Steps * Warmup;
}
