using System.Globalization;

namespace Spgd.Contracts.Sweeps;

/// <summary>
/// Expands a <see cref="SamplerSweep"/> into its grid points and a job's items (grid × images × tasks × runs). Pure and
/// deterministic: the same sweep gives the same points, labels, keys and order on every machine.
/// </summary>
/// <remarks>
/// A preset only chooses defaults (β, ADM on/off): points record them resolved, with preset paper, so a reference point
/// and the paper point with the same β and ADM are one point. Labels always name the sampler, and for SPGD N and ADM on/off (with β when on); every other setting appears only when
/// it takes more than one value among the sweep's points of that sampler, so fixed settings do not clutter the table
/// while two distinct points never share a label. Defaults are <see cref="SamplerDefaults"/>'s: β per preset, ADM on for
/// paper and off for reference.
/// </remarks>
public static class SweepExpander
{
    private const string Paper = SamplerPresets.Paper;
    private const string Reference = SamplerPresets.Reference;

    /// <summary>Every problem with <paramref name="sweep"/>, each naming the list, the index, the value and what is expected.</summary>
    public static IReadOnlyList<string> Problems(SamplerSweep sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var problems = new List<string>();
        void Each<T>(string name, IReadOnlyList<T>? values, Func<T, string?> check)
        {
            if (values is null) return;
            if (values.Count == 0) { problems.Add($"sweep.{name}: the list is empty; give at least one value (or leave the key out)"); return; }
            for (var i = 0; i < values.Count; i++)
                if (check(values[i]) is { } why) problems.Add($"sweep.{name}[{i}]: {Format(values[i])} {why}");
        }
        Each("sampler", sweep.Samplers, s => SamplerKinds.IsKnown(s) ? null : $"is not a sampler (expected one of {string.Join(", ", SamplerKinds.All)})");
        Each("steps", sweep.Steps, t => t >= 1 ? null : "must be >= 1");
        Each("warmup", sweep.Warmup, n => n >= 1 ? null : "must be >= 1");
        Each("lr", sweep.LearningRate, lr => lr is null || (lr > 0 && double.IsFinite(lr.Value)) ? null : "must be > 0 and finite");
        Each("beta", sweep.Beta, b => b is null || (b >= SamplerDefaults.MinBeta && b <= SamplerDefaults.MaxBeta) ? null : "must be in [0, 1]");
        Each("preset", sweep.Preset, p => p?.Trim().ToLowerInvariant() is Paper or Reference ? null : "is not a preset (expected paper or reference)");
        Each("adm", sweep.Adm, _ => null);
        Each("diffstategrad_tau", sweep.DiffStateGradTau, t => t is null || (t > 0 && t <= 1) ? null : "must be in (0, 1] (or null for off)");
        Each("dps_step_size", sweep.DpsStepSize, z => z is null || (z >= 0 && double.IsFinite(z.Value)) ? null : "must be >= 0 and finite");
        Each("adm_scope", sweep.AdmScope, s => AdmScopes.IsKnown(s) ? null : $"is not an ADM scope (expected {string.Join(" or ", AdmScopes.All)})");
        return problems;
    }

    /// <summary>
    /// The distinct grid points in sweep order (samplers, then T, N, lr, β, preset, ADM, τ, ζ; first occurrence kept);
    /// lists the sweep leaves out take <paramref name="basis"/>'s value (default: Core's defaults).
    /// </summary>
    /// <exception cref="ArgumentException">The sweep has problems (see <see cref="Problems"/>).</exception>
    public static IReadOnlyList<GridPoint> Points(SamplerSweep sweep, SweepBasis? basis = null)
    {
        var problems = Problems(sweep);
        if (problems.Count > 0) throw new ArgumentException("invalid sampler sweep: " + string.Join("; ", problems), nameof(sweep));
        var b = basis ?? SweepBasis.Default;
        var basisProblems = Problems(new SamplerSweep
        {
            Samplers = [b.Sampler], Steps = [b.Steps], Warmup = [b.Warmup], LearningRate = [b.LearningRate], Beta = [b.Beta],
            Preset = [b.Preset], Adm = [b.Adm], DiffStateGradTau = [b.DiffStateGradTau], DpsStepSize = [b.DpsStepSize], AdmScope = [b.AdmScope],
        });
        if (basisProblems.Count > 0) throw new ArgumentException("invalid sweep basis: " + string.Join("; ", basisProblems), nameof(basis));

        var settings = new List<Settings>();
        foreach (var sampler in sweep.Samplers ?? [b.Sampler])
            foreach (var steps in sweep.Steps ?? [b.Steps])
                foreach (var warmup in sweep.Warmup ?? [b.Warmup])
                    foreach (var lr in sweep.LearningRate ?? [b.LearningRate])
                        foreach (var beta in sweep.Beta ?? [b.Beta])
                            foreach (var preset in sweep.Preset ?? [b.Preset])
                                foreach (var adm in sweep.Adm ?? [b.Adm])
                                    foreach (var tau in sweep.DiffStateGradTau ?? [b.DiffStateGradTau])
                                        foreach (var zeta in sweep.DpsStepSize ?? [b.DpsStepSize])
                                            foreach (var scope in sweep.AdmScope ?? [b.AdmScope])
                                            {
                                                var s = Canonical(sampler.Trim().ToLowerInvariant(), steps, warmup, lr, beta, preset.Trim().ToLowerInvariant(), adm, tau, zeta,
                                                    scope.Trim().ToLowerInvariant());
                                                if (!settings.Contains(s)) settings.Add(s);
                                            }

        return settings.Select(s => Named(s, settings.Where(o => o.Sampler == s.Sampler).ToList())).ToList();
    }

    /// <summary>
    /// The items of a swept job: for each grid point, each image, each task, each run (in that nesting order). Tasks
    /// whose own sampler settings differ (the basis) are expanded one call per task.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid sweep, no images or tasks, or runs &lt; 1.</exception>
    public static IReadOnlyList<SweepItem> Expand(SamplerSweep sweep, IReadOnlyList<string> imageIds, IReadOnlyList<string> tasks, int runs,
        SweepBasis? basis = null)
    {
        ArgumentNullException.ThrowIfNull(imageIds);
        ArgumentNullException.ThrowIfNull(tasks);
        if (imageIds.Count == 0) throw new ArgumentException("A sweep needs at least one image.", nameof(imageIds));
        if (tasks.Count == 0) throw new ArgumentException("A sweep needs at least one task.", nameof(tasks));
        if (runs < 1) throw new ArgumentOutOfRangeException(nameof(runs), runs, "runs must be >= 1.");
        var points = Points(sweep, basis);
        var items = new List<SweepItem>(checked(points.Count * imageIds.Count * tasks.Count * runs));
        foreach (var point in points)
            foreach (var image in imageIds)
                foreach (var task in tasks)
                    for (var run = 0; run < runs; run++)
                        items.Add(new SweepItem(point, image, task, run));
        return items;
    }

    /// <summary>A grid point's settings with defaults resolved and settings its sampler ignores cleared.</summary>
    private sealed record Settings(string Sampler, int Steps, int Warmup, double? LearningRate, double? Beta, string? Preset, bool Adm, double? Tau, double? Zeta,
        string Scope = SamplerDefaults.AdmScope);

    private static Settings Canonical(string sampler, int steps, int warmup, double? lr, double? beta, string preset, bool? adm, double? tau, double? zeta, string scope)
    {
        switch (sampler)
        {
            case SamplerKinds.DpsEdm:
                return new Settings(SamplerKinds.DpsEdm, steps, 1, null, null, null, false, null, zeta);
            case var baseline when SamplerKinds.IsBaseline(baseline):
                // A baseline runs at its own protocol: no sweep setting applies to it (Steps 0: its protocol's).
                return new Settings(baseline, 0, 0, null, null, null, false, null, null);
            case SamplerKinds.Plain:
                // ADM off makes the preset moot: paper and reference then run the same algorithm.
                return new Settings(SamplerKinds.Spgd, steps, 1, lr, null, Paper, false, tau, null);
            default:
                var useAdm = adm ?? preset == Paper;
                var effectiveBeta = useAdm ? beta ?? SamplerDefaults.Beta(preset) : (double?)null;
                // Once ADM and β are resolved the presets run the same algorithm, so the point records paper.
                // Without ADM there is no momentum to keep, so the scope is moot.
                return new Settings(SamplerKinds.Spgd, steps, warmup, lr, effectiveBeta, Paper, useAdm, tau, null, useAdm ? scope : SamplerDefaults.AdmScope);
        }
    }

    private static GridPoint Named(Settings s, IReadOnlyList<Settings> peers)
    {
        bool Varies<T>(Func<Settings, T> field) => peers.Select(field).Distinct().Count() > 1;
        var label = new List<string>();
        var key = new List<string>();
        void Add(string text, string slug) { label.Add(text); key.Add(slug); }

        if (SamplerKinds.IsBaseline(s.Sampler))
            Add(BaselineLabel(s.Sampler), s.Sampler);
        else if (s.Sampler == SamplerKinds.DpsEdm)
        {
            Add("DPS-EDM", "dps-edm");
            if (Varies(p => p.Steps)) Add($"T={s.Steps}", $"t{s.Steps}");
            if (s.Zeta is not null || Varies(p => p.Zeta)) Add($"ζ={Format(s.Zeta ?? SamplerDefaults.DpsStepSize)}", $"z{Format(s.Zeta ?? SamplerDefaults.DpsStepSize)}");
        }
        else
        {
            Add("SPGD", "spgd");
            if (Varies(p => p.Steps)) Add($"T={s.Steps}", $"t{s.Steps}");
            Add($"N={s.Warmup}", $"n{s.Warmup}");
            if (Varies(p => p.LearningRate)) Add($"lr={(s.LearningRate is { } lr ? Format(lr) : "default")}", $"lr{(s.LearningRate is { } l ? Format(l) : "default")}");
            if (s.Adm) Add($"β={Format(s.Beta!.Value)} ADM", $"b{Format(s.Beta!.Value)}-adm");
            else Add("no ADM", "noadm");
            if (s.Adm && s.Scope == AdmScopes.Trajectory) Add("across steps", "traj");
            if (s.Tau is { } tau) Add($"DSG τ={Format(tau)}", $"dsg{Format(tau)}");
            else if (Varies(p => p.Tau)) Add("no DSG", "nodsg");
        }
        return new GridPoint(string.Join(' ', label), string.Join('-', key), s.Sampler, s.Steps, s.Warmup, s.LearningRate, s.Beta,
            s.Sampler == SamplerKinds.Spgd ? s.Preset : null, s.Adm, s.Tau, s.Zeta, s.Scope);
    }

    /// <summary>How the evaluation table names a baseline (as its paper does).</summary>
    public static string BaselineLabel(string sampler) => sampler switch
    {
        SamplerKinds.Dps => "DPS",
        SamplerKinds.Ddrm => "DDRM",
        SamplerKinds.DiffPir => "DiffPIR",
        SamplerKinds.RedDiff => "RED-Diff",
        _ => sampler,
    };

    private static string Format<T>(T value) => value switch
    {
        null => "null",
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
