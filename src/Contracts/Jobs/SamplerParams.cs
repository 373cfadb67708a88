namespace Spgd.Contracts.Jobs;

/// <summary>
/// Sampler settings as a spec (a task's <c>sampler:</c>) or the CLI gives them; <c>null</c> means "not set here", resolved
/// by <see cref="Recipes.RecipeResolver"/> (task, job, protocol, then <see cref="SamplerDefaults"/>).
/// </summary>
[GenerateSerializer]
public sealed record SamplerParams
{
    /// <summary>Valid presets.</summary>
    public static IReadOnlyList<string> Presets => SamplerPresets.All;

    /// <summary>Outer (denoising) steps T.</summary>
    [Id(0)] public int? Steps { get; init; }

    /// <summary>Warm-up (gradient) iterations N per outer step.</summary>
    [Id(1)] public int? Warmup { get; init; }

    /// <summary>Learning rate η.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("lr")]
    [Id(2)] public double? LearningRate { get; init; }

    /// <summary>Final learning rate as a fraction of <see cref="LearningRate"/>.</summary>
    [Id(3)] public double? LrMinRatio { get; init; }

    /// <summary>ADM momentum β in [0, 1].</summary>
    [Id(4)] public double? Beta { get; init; }

    /// <summary><c>paper</c> (steps with the ADM-smoothed gradient) or <c>reference</c> (as the official code).</summary>
    [Id(5)] public string? Preset { get; init; }

    /// <summary>DiffStateGrad energy threshold τ in (0, 1]; off when absent.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("diffstategrad_tau")]
    [Id(6)] public double? DiffStateGradTau { get; init; }

    /// <summary>Outer steps between DiffStateGrad subspace refreshes.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("diffstategrad_period")]
    [Id(7)] public int? DiffStateGradPeriod { get; init; }

    /// <summary>Largest noise level σ_max of the schedule.</summary>
    [Id(8)] public double? SigmaMax { get; init; }

    /// <summary>Smallest non-zero noise level σ_min of the schedule.</summary>
    [Id(9)] public double? SigmaMin { get; init; }

    /// <summary>Sampler kind: <c>spgd</c> (default), <c>dps</c> or <c>plain</c> (SPGD with N = 1 and no ADM).</summary>
    [Id(10)] public string? Sampler { get; init; }

    /// <summary>ADM on/off; absent takes the preset's (paper on, reference off).</summary>
    [Id(11)] public bool? Adm { get; init; }

    /// <summary>DPS likelihood step size ζ.</summary>
    [Id(12)] public double? DpsStepSize { get; init; }

    /// <summary>ADM's momentum: <c>warmup</c> (reset at each outer step, the paper) or <c>trajectory</c> (carried across outer steps).</summary>
    [Id(13)] public string? AdmScope { get; init; }
}
