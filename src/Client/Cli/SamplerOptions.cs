using Spgd.Contracts.Sweeps;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Spgd.Core.Sampling;

namespace Spgd.Client.Cli;

/// <summary>The SPGD sampler's options (<c>--steps</c>, <c>--warmup</c>, <c>--lr</c>, …), defaulting to <see cref="SpgdOptions"/>'s values.</summary>
public sealed class SamplerOptions
{
    private static readonly SpgdOptions Defaults = new();

    /// <summary>--steps: outer steps T.</summary>
    public Option<int> Steps { get; } = CliOptions.Integer("--steps", "Outer (denoising) steps T", 1, Spgd.Contracts.Jobs.JobSpecValidator.MaxSteps, defaultValue: Defaults.Steps);

    /// <summary>--warmup: warm-up iterations N per outer step.</summary>
    public Option<int> Warmup { get; } = CliOptions.Integer("--warmup", "Warm-up (likelihood) iterations N per outer step; one network evaluation each", 1, Spgd.Contracts.Jobs.JobSpecValidator.MaxWarmup, defaultValue: Defaults.Warmup);

    /// <summary>--lr: learning rate of the first outer step (default: the task's, <see cref="TaskLearningRates"/>).</summary>
    public Option<double?> LearningRate { get; } = CliOptions.OptionalNumber("--lr",
        $"Learning rate of the first outer step (default: the task's, the paper's Table 5: {TaskLearningRates.Describe()})",
        0, exclusiveMin: true);

    /// <summary>--lr-min-ratio: fraction of lr the decay approaches.</summary>
    public Option<double> LrMinRatio { get; } = CliOptions.Number("--lr-min-ratio", "Fraction of --lr the linear decay approaches at the last step", 0, 1, exclusiveMin: true, defaultValue: Defaults.LrMinRatio);

    /// <summary>--beta: ADM momentum (default: the preset's).</summary>
    public Option<double?> Beta { get; } = CliOptions.OptionalNumber("--beta", $"ADM momentum β in [0, 1] (default: the preset's, {SamplerDefaults.PaperBeta} for paper, {SamplerDefaults.ReferenceBeta} for reference)", SamplerDefaults.MinBeta, SamplerDefaults.MaxBeta);

    /// <summary>--preset: paper or reference.</summary>
    public Option<string> Preset { get; } = new Option<string>("--preset")
    {
        Description = "paper: steps along the ADM-smoothed gradient; reference: exactly the official code (raw gradient)",
        DefaultValueFactory = _ => "paper",
    }.AcceptOnlyFromAmong("paper", "reference");

    /// <summary>--diffstategrad-tau: enables the DiffStateGrad projection.</summary>
    public Option<double?> DiffStateGradTau { get; } = CliOptions.OptionalNumber("--diffstategrad-tau", "Project gradients onto the state's subspace keeping energy fraction τ in (0, 1] (default: off)", 0, 1, exclusiveMin: true);

    /// <summary>--diffstategrad-period: project every n-th outer step.</summary>
    public Option<int> DiffStateGradPeriod { get; } = CliOptions.Integer("--diffstategrad-period", "Project on every n-th outer step", 1, defaultValue: Defaults.DiffStateGradPeriod);

    /// <summary>--sigma-max: first noise level.</summary>
    public Option<double> SigmaMax { get; } = CliOptions.Number("--sigma-max", "Noise level σ_max of the first step", 0, exclusiveMin: true, defaultValue: Defaults.SigmaMax);

    /// <summary>--sigma-min: last noise level before 0.</summary>
    public Option<double> SigmaMin { get; } = CliOptions.Number("--sigma-min", "Noise level σ_min of the last step before 0", 0, exclusiveMin: true, defaultValue: Defaults.SigmaMin);

    /// <summary>--algorithm: SPGD, DPS's step on SPGD's schedule, or a baseline at its protocol.</summary>
    public Option<string> Algorithm { get; } = new Option<string>("--algorithm")
    {
        Description = "spgd; dps-edm (DPS's likelihood step on SPGD's schedule, --dps-step-size per outer step); or a baseline at its own protocol: "
                      + "dps (1,000 ancestral steps), ddrm, diffpir, reddiff (docs/evaluation.md)",
        DefaultValueFactory = _ => SamplerKinds.Spgd,
    }.AcceptOnlyFromAmong(SamplerKinds.Spgd, SamplerKinds.DpsEdm, SamplerKinds.Dps, SamplerKinds.Ddrm, SamplerKinds.DiffPir, SamplerKinds.RedDiff);

    /// <summary>--dps-step-size: ζ of the DPS baseline.</summary>
    public Option<double> DpsStepSize { get; } = CliOptions.Number("--dps-step-size", "DPS only: likelihood step size ζ", 0, exclusiveMin: true, defaultValue: Defaults.DpsStepSize);

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Steps, Warmup, LearningRate, LrMinRatio, Beta, Preset, DiffStateGradTau, DiffStateGradPeriod, SigmaMax, SigmaMin, Algorithm, DpsStepSize })
            command.Options.Add(o);
        command.Validators.Add(result =>
        {
            // A baseline runs at its own protocol: a schedule flag would be silently ignored, so it is refused.
            if (result.GetResult(Algorithm) is { Implicit: false } && CliOptions.TryGetValue(result, Algorithm, out var name) && SamplerKinds.IsBaseline(name))
                foreach (Option o in new Option[] { Steps, Warmup, LearningRate, LrMinRatio, Beta, Preset, DiffStateGradTau, DiffStateGradPeriod, SigmaMax, SigmaMin, DpsStepSize })
                    if (result.GetResult(o) is { Implicit: false })
                        result.AddError($"{o.Name} does not apply to --algorithm {name} (it runs at its own protocol; docs/evaluation.md)");
            if (CliOptions.TryGetValue(result, SigmaMax, out var max) && CliOptions.TryGetValue(result, SigmaMin, out var min) && max < min)
                result.AddError($"--sigma-max {result.GetValue(SigmaMax).ToString(CultureInfo.InvariantCulture)} is below --sigma-min {result.GetValue(SigmaMin).ToString(CultureInfo.InvariantCulture)}");
        });
    }

    /// <summary>The sampler settings the options describe for <paramref name="task"/> (whose learning rate is the default).</summary>
    public SpgdOptions Create(ParseResult parse, string task) => new()
    {
        Steps = parse.GetValue(Steps),
        Warmup = parse.GetValue(Warmup),
        LearningRate = parse.GetValue(LearningRate) ?? TaskLearningRates.For(task),
        LrMinRatio = parse.GetValue(LrMinRatio),
        Beta = parse.GetValue(Beta),
        Preset = parse.GetValue(Preset) == "reference" ? SpgdPreset.Reference : SpgdPreset.Paper,
        DiffStateGradTau = parse.GetValue(DiffStateGradTau),
        DiffStateGradPeriod = parse.GetValue(DiffStateGradPeriod),
        SigmaMax = parse.GetValue(SigmaMax),
        SigmaMin = parse.GetValue(SigmaMin),
        Algorithm = parse.GetValue(Algorithm) switch
        {
            SamplerKinds.DpsEdm => SamplerAlgorithm.Dps,
            var name when BaselineSamplers.AlgorithmOf(name!) is { } baseline => baseline,
            _ => SamplerAlgorithm.Spgd,
        },
        DpsStepSize = parse.GetValue(DpsStepSize),
    };
}
