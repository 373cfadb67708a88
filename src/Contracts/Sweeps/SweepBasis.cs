namespace Spgd.Contracts.Sweeps;

/// <summary>
/// The settings a grid point takes for every list its sweep leaves out: a task's own sampler settings, the job's
/// protocol, or the defaults (<see cref="SamplerDefaults"/>).
/// </summary>
/// <param name="Sampler">Sampler kind.</param>
/// <param name="Steps">T.</param>
/// <param name="Warmup">N.</param>
/// <param name="LearningRate">lr, or null for the default.</param>
/// <param name="Beta">β, or null for the preset's.</param>
/// <param name="Preset">paper or reference.</param>
/// <param name="Adm">ADM on/off, or null for the preset's.</param>
/// <param name="DiffStateGradTau">τ, or null for off.</param>
/// <param name="DpsStepSize">ζ, or null for the default.</param>
/// <param name="AdmScope">Where ADM's momentum lives (<see cref="AdmScopes"/>).</param>
public sealed record SweepBasis(
    string Sampler = SamplerKinds.Spgd,
    int Steps = SamplerDefaults.Steps,
    int Warmup = SamplerDefaults.Warmup,
    double? LearningRate = null,
    double? Beta = null,
    string Preset = SamplerDefaults.Preset,
    bool? Adm = null,
    double? DiffStateGradTau = null,
    double? DpsStepSize = null,
    string AdmScope = SamplerDefaults.AdmScope)
{
    /// <summary>The defaults.</summary>
    public static SweepBasis Default { get; } = new();

    /// <summary>The basis of a task: its own sampler settings, then the protocol's, then the defaults.</summary>
    public static SweepBasis From(Jobs.SamplerParams sampler, Protocol? protocol = null)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        return new SweepBasis(sampler.Sampler?.Trim().ToLowerInvariant() ?? SamplerKinds.Spgd, sampler.Steps ?? protocol?.Steps ?? Default.Steps,
            sampler.Warmup ?? protocol?.Warmup ?? Default.Warmup, sampler.LearningRate, sampler.Beta ?? protocol?.Beta,
            sampler.Preset?.Trim().ToLowerInvariant() ?? Default.Preset, sampler.Adm, sampler.DiffStateGradTau, sampler.DpsStepSize,
            sampler.AdmScope?.Trim().ToLowerInvariant() ?? Default.AdmScope);
    }
}
