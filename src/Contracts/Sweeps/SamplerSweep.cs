using System.Text.Json.Serialization;

namespace Spgd.Contracts.Sweeps;

/// <summary>
/// Lists of sampler settings whose Cartesian product is a job's grid (the <c>sweep:</c> section of a job spec, snake_case
/// keys as in a task's <c>sampler:</c>). A null list is not swept: every point takes the <see cref="SweepBasis"/> value
/// (the task's own setting or the default); a single-element list fixes the setting; null elements mean "the default"
/// (of the preset, or of Core's <c>SpgdOptions</c>). Settings a sampler does not use are ignored for it (DPS has no
/// warm-up, learning rate, β, preset, ADM or DiffStateGrad; without ADM β is moot), so they do not multiply its points.
/// </summary>
[GenerateSerializer]
public sealed record SamplerSweep
{
    /// <summary>Sampler kinds (<see cref="SamplerKinds"/>).</summary>
    [JsonPropertyName("sampler")] [Id(0)] public List<string>? Samplers { get; init; }

    /// <summary>Outer steps T.</summary>
    [JsonPropertyName("steps")] [Id(1)] public List<int>? Steps { get; init; }

    /// <summary>Warm-up iterations N per outer step (SPGD).</summary>
    [JsonPropertyName("warmup")] [Id(2)] public List<int>? Warmup { get; init; }

    /// <summary>Learning rates lr (SPGD); null elements keep each task's (its own, the protocol's, or Table 5's).</summary>
    [JsonPropertyName("lr")] [Id(3)] public List<double?>? LearningRate { get; init; }

    /// <summary>ADM momenta β (SPGD with ADM); null elements take the preset's.</summary>
    [JsonPropertyName("beta")] [Id(4)] public List<double?>? Beta { get; init; }

    /// <summary>Presets, <c>paper</c> or <c>reference</c> (SPGD).</summary>
    [JsonPropertyName("preset")] [Id(5)] public List<string>? Preset { get; init; }

    /// <summary>ADM on/off (SPGD); null elements take the preset's (paper on, reference off).</summary>
    [JsonPropertyName("adm")] [Id(6)] public List<bool?>? Adm { get; init; }

    /// <summary>DiffStateGrad τ values (SPGD); a null element is "projection off".</summary>
    [JsonPropertyName("diffstategrad_tau")] [Id(7)] public List<double?>? DiffStateGradTau { get; init; }

    /// <summary>DPS step sizes ζ; null elements keep the default.</summary>
    [JsonPropertyName("dps_step_size")] [Id(8)] public List<double?>? DpsStepSize { get; init; }

    /// <summary>ADM scopes (SPGD with ADM): <c>warmup</c> (reset at each outer step) or <c>trajectory</c> (carried across them).</summary>
    [JsonPropertyName("adm_scope")] [Id(9)] public List<string>? AdmScope { get; init; }
}
