using System.Globalization;
using Spgd.Contracts.Sweeps;

namespace Spgd.Contracts.Recipes;

/// <summary>
/// Everything one (task, grid point) of a job runs, fully resolved: the sampler, its schedules, ADM, the measurement
/// noise and the operator parameters, with where each value came from. The job resolves it once (see
/// <see cref="RecipeResolver"/>); work items carry it and workers translate it field by field, deriving nothing;
/// item records and summaries store it, so a number is always shown with the settings that produced it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TaskRecipe
{
    /// <summary>Canonical task name.</summary>
    [Id(0)] public required string Task { get; init; }

    /// <summary>A <see cref="SamplerKinds"/> name: spgd, dps-edm, or a baseline run at its protocol (plain resolves to SPGD, N = 1, no ADM).</summary>
    [Id(1)] public required string Algorithm { get; init; }

    /// <summary>Outer steps T.</summary>
    [Id(2)] public int Steps { get; init; }

    /// <summary>Warm-up iterations N per outer step (1 for DPS).</summary>
    [Id(3)] public int Warmup { get; init; }

    /// <summary>Learning rate of the first outer step (SPGD).</summary>
    [Id(4)] public double LearningRate { get; init; }

    /// <summary>Fraction of the learning rate its linear decay approaches at the last step.</summary>
    [Id(5)] public double LrMinRatio { get; init; }

    /// <summary>Whether the warm-up steps along ADM's smoothed gradient.</summary>
    [Id(6)] public bool Adm { get; init; }

    /// <summary>ADM β (used when <see cref="Adm"/>).</summary>
    [Id(7)] public double Beta { get; init; }

    /// <summary><see cref="AdmScopes.Warmup"/> or <see cref="AdmScopes.Trajectory"/>.</summary>
    [Id(8)] public string AdmScope { get; init; } = SamplerDefaults.AdmScope;

    /// <summary>The SPGD preset (after ADM and β are resolved it only names the variant followed).</summary>
    [Id(9)] public string Preset { get; init; } = SamplerDefaults.Preset;

    /// <summary>DiffStateGrad τ, or null when the projection is off.</summary>
    [Id(10)] public double? DiffStateGradTau { get; init; }

    /// <summary>Outer steps between DiffStateGrad refreshes.</summary>
    [Id(11)] public int DiffStateGradPeriod { get; init; }

    /// <summary>σ_max of the schedule.</summary>
    [Id(12)] public double SigmaMax { get; init; }

    /// <summary>σ_min of the schedule.</summary>
    [Id(13)] public double SigmaMin { get; init; }

    /// <summary>DPS step size ζ (used by DPS).</summary>
    [Id(14)] public double DpsStepSize { get; init; }

    /// <summary>Measurement noise σ_y.</summary>
    [Id(15)] public double NoiseSigma { get; init; }

    /// <summary>Operator parameters as given (names as in job specs); absent ones take the operator's defaults.</summary>
    [Id(16)] public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The protocol the job named (<see cref="Protocol"/>), or null.</summary>
    [Id(17)] public string? Protocol { get; init; }

    /// <summary>Where each setting came from: setting name → <see cref="RecipeResolver"/>'s source names.</summary>
    [Id(18)] public IReadOnlyDictionary<string, string> Sources { get; init; } = new Dictionary<string, string>();

    /// <summary>The grid point's label when the job has a sweep (its table row), else null.</summary>
    [Id(19)] public string? PointLabel { get; init; }

    /// <summary>Network (denoiser) evaluations per restored image: T·N for SPGD (N = 1 for DPS-EDM); null for a baseline
    /// run at its own protocol (its sampler counts them; the item record carries the count).</summary>
    public long? NetworkEvaluationsPerImage => SamplerKinds.IsBaseline(Algorithm) ? null : (long)Steps * Warmup;

    /// <summary>
    /// The method as the evaluation table names it: what ran, e.g. <c>SPGD N=5 β=0.95 ADM</c>, <c>SPGD N=1 no ADM</c>,
    /// <c>DPS-EDM ζ=1</c>, <c>DDRM</c>; the grid point's label in a sweep.
    /// </summary>
    public string Label => PointLabel ?? MethodName();

    private string MethodName()
    {
        static string F(double d) => d.ToString("0.####", CultureInfo.InvariantCulture);
        if (SamplerKinds.IsBaseline(Algorithm)) return SweepExpander.BaselineLabel(Algorithm);
        if (Algorithm == SamplerKinds.DpsEdm) return $"DPS-EDM ζ={F(DpsStepSize)}";
        var parts = new List<string> { "SPGD", $"N={Warmup}" };
        parts.Add(Adm ? $"β={F(Beta)} ADM" : "no ADM");
        if (Adm && AdmScope == AdmScopes.Trajectory) parts.Add("across steps");
        if (DiffStateGradTau is { } tau) parts.Add($"DSG τ={F(tau)}");
        return string.Join(' ', parts);
    }
}
