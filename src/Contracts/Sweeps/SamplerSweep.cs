namespace Spgd.Contracts.Sweeps;

/// <summary>
/// Lists of sampler settings whose Cartesian product is a job's grid. A single-element list is a fixed setting; null
/// elements mean "the default" (of the preset, or of Core's <c>SpgdOptions</c>). Settings a sampler does not use are
/// ignored for it (DPS has no warm-up, learning rate, β, preset, ADM or DiffStateGrad; without ADM β is moot), so they
/// do not multiply its points.
/// </summary>
public sealed record SamplerSweep
{
    /// <summary>Sampler kinds (<see cref="SamplerKinds"/>).</summary>
    public IReadOnlyList<string> Samplers { get; init; } = [SamplerKinds.Spgd];

    /// <summary>Outer steps T.</summary>
    public IReadOnlyList<int> Steps { get; init; } = [30];

    /// <summary>Warm-up iterations N per outer step (SPGD).</summary>
    public IReadOnlyList<int> Warmup { get; init; } = [5];

    /// <summary>Learning rates lr (SPGD); null keeps the default (2.5).</summary>
    public IReadOnlyList<double?> LearningRate { get; init; } = [null];

    /// <summary>ADM momenta β (SPGD with ADM); null takes the preset's (paper 0.95, reference 0.9).</summary>
    public IReadOnlyList<double?> Beta { get; init; } = [null];

    /// <summary>Presets, <c>paper</c> or <c>reference</c> (SPGD).</summary>
    public IReadOnlyList<string> Preset { get; init; } = ["paper"];

    /// <summary>ADM on/off (SPGD); null takes the preset's (paper on, reference off).</summary>
    public IReadOnlyList<bool?> Adm { get; init; } = [null];

    /// <summary>DiffStateGrad τ values (SPGD); null is "projection off".</summary>
    public IReadOnlyList<double?> DiffStateGradTau { get; init; } = [null];

    /// <summary>DPS step sizes ζ; null keeps the default (1.0).</summary>
    public IReadOnlyList<double?> DpsStepSize { get; init; } = [null];
}
