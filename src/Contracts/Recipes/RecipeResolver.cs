using System.Globalization;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Sweeps;

namespace Spgd.Contracts.Recipes;

/// <summary>
/// Resolves what a (task, grid point) of a job runs, field by field, in one order: the sweep's grid point, then the
/// task's own settings, then the job's, then the named protocol, then the defaults (<see cref="SamplerDefaults"/>; the
/// learning rate per task, <see cref="TaskLearningRates"/>). The source of each value is recorded in the recipe.
/// </summary>
public static class RecipeResolver
{
    /// <summary>Source names recorded in <see cref="TaskRecipe.Sources"/>.</summary>
    public const string FromSweep = "sweep", FromTask = "task", FromJob = "job", FromDefault = "default", FromTaskDefault = "default for the task (Table 5)";

    /// <summary>Source name of a value a protocol set.</summary>
    public static string FromProtocol(Protocol protocol) => "protocol " + protocol.Name;

    /// <summary>The recipe of every (task, grid point) of <paramref name="job"/>, task-major (a job without a sweep: one per task).</summary>
    /// <exception cref="ArgumentException">An unknown task, sampler, preset, ADM scope or protocol name.</exception>
    public static IReadOnlyList<TaskRecipe> ResolveAll(JobDefinition job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Tasks.SelectMany(t => ((IReadOnlyList<GridPoint?>?)job.Grid ?? [null]).Select(p => Resolve(job, t, p))).ToList();
    }

    /// <summary>The recipe of <paramref name="task"/> of <paramref name="job"/> at <paramref name="point"/> (null without a sweep).</summary>
    /// <exception cref="ArgumentException">An unknown task, sampler, preset, ADM scope or protocol name.</exception>
    public static TaskRecipe Resolve(JobDefinition job, TaskSettings task, GridPoint? point)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(task);
        var name = TaskNames.TryNormalize(task.Name) ?? throw new ArgumentException($"unknown task '{task.Name}'; valid tasks: {TaskNames.Describe()}");
        Protocol? protocol = null;
        if (job.Protocol is { } protocolName)
            protocol = Protocol.Find(protocolName) ?? throw new ArgumentException($"protocol '{protocolName}' is not known: expected one of {Protocol.Names}");
        var own = task.Sampler ?? new SamplerParams();
        var shared = job.Sampler;
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);

        // The first value present, in precedence order, recording where it came from.
        T Pick<T>(string setting, T fallback, string fallbackSource, params (T? Value, string Source)[] candidates) where T : struct
        {
            foreach (var (value, source) in candidates)
                if (value is { } v) { sources[setting] = source; return v; }
            sources[setting] = fallbackSource;
            return fallback;
        }
        string PickText(string setting, string fallback, params (string? Value, string Source)[] candidates)
        {
            foreach (var (value, source) in candidates)
                if (value is not null) { sources[setting] = source; return value.Trim().ToLowerInvariant(); }
            sources[setting] = FromDefault;
            return fallback;
        }
        var byProtocol = protocol is null ? "" : FromProtocol(protocol);

        var algorithm = point is not null
            ? Picked("sampler", point.Sampler, FromSweep)
            : PickText("sampler", SamplerKinds.Spgd, (own.Sampler, FromTask), (shared.Sampler, FromJob));
        if (!SamplerKinds.IsKnown(algorithm)) throw new ArgumentException($"sampler '{algorithm}' is not known: expected one of {string.Join(", ", SamplerKinds.All)}");
        var preset = point?.Preset is { } pp ? Picked("preset", pp, FromSweep)
            : PickText("preset", SamplerDefaults.Preset, (own.Preset, FromTask), (shared.Preset, FromJob));
        if (!SamplerPresets.IsKnown(preset)) throw new ArgumentException($"preset '{preset}' is not known: expected one of {string.Join(", ", SamplerPresets.All)}");
        var scope = point is not null ? Picked("adm_scope", point.AdmScope, FromSweep)
            : PickText("adm_scope", SamplerDefaults.AdmScope, (own.AdmScope, FromTask), (shared.AdmScope, FromJob));
        if (!AdmScopes.IsKnown(scope)) throw new ArgumentException($"adm_scope '{scope}' is not known: expected one of {string.Join(", ", AdmScopes.All)}");

        var steps = point is not null ? Picked("steps", point.Steps, FromSweep)
            : Pick("steps", SamplerDefaults.Steps, FromDefault, (own.Steps, FromTask), (shared.Steps, FromJob), (protocol?.Steps, byProtocol));
        var warmup = point is not null ? Picked("warmup", point.Warmup, FromSweep)
            : Pick("warmup", SamplerDefaults.Warmup, FromDefault, (own.Warmup, FromTask), (shared.Warmup, FromJob), (protocol?.Warmup, byProtocol));
        var lr = Pick("lr", TaskLearningRates.For(name), FromTaskDefault, (point?.LearningRate, FromSweep), (own.LearningRate, FromTask),
            (shared.LearningRate, FromJob), (protocol?.LearningRate(name), byProtocol));
        var adm = point is not null ? Picked("adm", point.Adm, FromSweep)
            : Pick("adm", SamplerDefaults.Adm(preset), FromDefault, (own.Adm, FromTask), (shared.Adm, FromJob));
        var beta = Pick("beta", SamplerDefaults.Beta(preset), FromDefault, (point?.Beta, FromSweep), (own.Beta, FromTask), (shared.Beta, FromJob), (protocol?.Beta, byProtocol));
        var tau = point is not null ? Picked("diffstategrad_tau", point.DiffStateGradTau, FromSweep) : own.DiffStateGradTau ?? shared.DiffStateGradTau;
        if (point is null) sources["diffstategrad_tau"] = own.DiffStateGradTau is not null ? FromTask : shared.DiffStateGradTau is not null ? FromJob : FromDefault;
        var zeta = Pick("dps_step_size", SamplerDefaults.DpsStepSize, FromDefault, (point?.DpsStepSize, FromSweep), (own.DpsStepSize, FromTask), (shared.DpsStepSize, FromJob));
        var noise = Pick("noise_sigma", SamplerDefaults.NoiseSigma, FromDefault, (task.NoiseSigma, FromTask), (protocol?.NoiseSigma, byProtocol));

        // What the algorithm does not use is fixed, so equal methods compare equal: DPS has one likelihood step per
        // outer step and no ADM; plain is SPGD with N = 1 and no ADM.
        if (algorithm == SamplerKinds.DpsEdm) { warmup = 1; adm = false; }
        // A baseline runs at its own protocol (Core's BaselineSamplers): none of SPGD's settings reach it, so they are
        // recorded as not applying rather than with values that would look as if they ran.
        if (SamplerKinds.IsBaseline(algorithm))
        {
            if (BaselineMethods.Refusal(algorithm, name) is { } why && point is null)
                throw new ArgumentException($"sampler '{algorithm}' cannot run task {name}: {why}");
            foreach (var setting in new[] { "steps", "warmup", "lr", "adm", "beta", "adm_scope", "preset", "diffstategrad_tau", "dps_step_size" })
                sources[setting] = $"not used by {algorithm} (its protocol)";
            steps = 0; warmup = 0; adm = false; tau = null;
        }
        if (algorithm == SamplerKinds.Plain) { algorithm = SamplerKinds.Spgd; warmup = 1; adm = false; }

        return new TaskRecipe
        {
            Task = name, Algorithm = algorithm, Steps = steps, Warmup = warmup, LearningRate = lr,
            LrMinRatio = Pick("lr_min_ratio", SamplerDefaults.LrMinRatio, FromDefault, (own.LrMinRatio, FromTask), (shared.LrMinRatio, FromJob)),
            Adm = adm, Beta = beta, AdmScope = scope, Preset = preset, DiffStateGradTau = tau,
            DiffStateGradPeriod = Pick("diffstategrad_period", SamplerDefaults.DiffStateGradPeriod, FromDefault, (own.DiffStateGradPeriod, FromTask), (shared.DiffStateGradPeriod, FromJob)),
            SigmaMax = Pick("sigma_max", SamplerDefaults.SigmaMax, FromDefault, (own.SigmaMax, FromTask), (shared.SigmaMax, FromJob)),
            SigmaMin = Pick("sigma_min", SamplerDefaults.SigmaMin, FromDefault, (own.SigmaMin, FromTask), (shared.SigmaMin, FromJob)),
            DpsStepSize = zeta, NoiseSigma = noise, Parameters = task.Parameters, Protocol = protocol?.Name, Sources = sources,
            PointLabel = point?.Label,
        };

        T Picked<T>(string setting, T value, string source)
        {
            sources[setting] = source;
            return value;
        }
    }

    /// <summary>"steps=30 (default), lr=8 (default for the task (Table 5)), …": the recipe's settings and their sources, for logs and errors.</summary>
    public static string Describe(TaskRecipe recipe) =>
        string.Join(", ", recipe.Sources.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} ({s.Value})"))
        + (recipe.NetworkEvaluationsPerImage is { } nfe ? string.Create(CultureInfo.InvariantCulture, $"; NFE per image {nfe}") : "; NFE per image: its protocol's");
}
