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
    public Option<int> Steps { get; } = CliOptions.Integer("--steps", "Outer (denoising) steps T", 1, defaultValue: Defaults.Steps);

    /// <summary>--warmup: warm-up iterations N per outer step.</summary>
    public Option<int> Warmup { get; } = CliOptions.Integer("--warmup", "Warm-up (likelihood) iterations N per outer step; one network evaluation each", 1, defaultValue: Defaults.Warmup);

    /// <summary>--lr: learning rate of the first outer step (default: the task's, <see cref="TaskLearningRates"/>).</summary>
    public Option<double?> LearningRate { get; } = NullableNumber("--lr",
        $"Learning rate of the first outer step (default: the task's, the paper's Table 5: {TaskLearningRates.Describe()})",
        0, double.MaxValue, minExclusive: true);

    /// <summary>--lr-min-ratio: fraction of lr the decay approaches.</summary>
    public Option<double> LrMinRatio { get; } = CliOptions.Number("--lr-min-ratio", "Fraction of --lr the linear decay approaches at the last step", 0, 1, exclusiveMin: true, defaultValue: Defaults.LrMinRatio);

    /// <summary>--beta: ADM momentum (default: the preset's).</summary>
    public Option<double?> Beta { get; } = NullableNumber("--beta", $"ADM momentum β in [0, 1] (default: the preset's, {SamplerDefaults.PaperBeta} for paper, {SamplerDefaults.ReferenceBeta} for reference)", SamplerDefaults.MinBeta, SamplerDefaults.MaxBeta);

    /// <summary>--preset: paper or reference.</summary>
    public Option<string> Preset { get; } = new Option<string>("--preset")
    {
        Description = "paper: steps along the ADM-smoothed gradient; reference: exactly the official code (raw gradient)",
        DefaultValueFactory = _ => "paper",
    }.AcceptOnlyFromAmong("paper", "reference");

    /// <summary>--diffstategrad-tau: enables the DiffStateGrad projection.</summary>
    public Option<double?> DiffStateGradTau { get; } = NullableNumber("--diffstategrad-tau", "Project gradients onto the state's subspace keeping energy fraction τ in (0, 1] (default: off)", 0, 1, minExclusive: true);

    /// <summary>--diffstategrad-period: project every n-th outer step.</summary>
    public Option<int> DiffStateGradPeriod { get; } = CliOptions.Integer("--diffstategrad-period", "Project on every n-th outer step", 1, defaultValue: Defaults.DiffStateGradPeriod);

    /// <summary>--sigma-max: first noise level.</summary>
    public Option<double> SigmaMax { get; } = CliOptions.Number("--sigma-max", "Noise level σ_max of the first step", 0, exclusiveMin: true, defaultValue: Defaults.SigmaMax);

    /// <summary>--sigma-min: last noise level before 0.</summary>
    public Option<double> SigmaMin { get; } = CliOptions.Number("--sigma-min", "Noise level σ_min of the last step before 0", 0, exclusiveMin: true, defaultValue: Defaults.SigmaMin);

    /// <summary>--algorithm: SPGD or the DPS baseline.</summary>
    public Option<string> Algorithm { get; } = new Option<string>("--algorithm")
    {
        Description = "spgd, or the DPS baseline on the same schedule (one likelihood step of --dps-step-size per outer step)",
        DefaultValueFactory = _ => "spgd",
    }.AcceptOnlyFromAmong("spgd", "dps");

    /// <summary>--dps-step-size: ζ of the DPS baseline.</summary>
    public Option<double> DpsStepSize { get; } = CliOptions.Number("--dps-step-size", "DPS only: likelihood step size ζ", 0, exclusiveMin: true, defaultValue: Defaults.DpsStepSize);

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Steps, Warmup, LearningRate, LrMinRatio, Beta, Preset, DiffStateGradTau, DiffStateGradPeriod, SigmaMax, SigmaMin, Algorithm, DpsStepSize })
            command.Options.Add(o);
        command.Validators.Add(result =>
        {
            if (result.GetValue(SigmaMax) < result.GetValue(SigmaMin))
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
        Algorithm = parse.GetValue(Algorithm) == "dps" ? SamplerAlgorithm.Dps : SamplerAlgorithm.Spgd,
        DpsStepSize = parse.GetValue(DpsStepSize),
    };

    private static Option<double?> NullableNumber(string name, string description, double min, double max, bool minExclusive = false, bool maxExclusive = false)
    {
        var option = new Option<double?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is not { } v) return;
            bool ok = double.IsFinite(v) && (minExclusive ? v > min : v >= min) && (maxExclusive ? v < max : v <= max);
            if (!ok)
                result.AddError($"{name}: {v.ToString(CultureInfo.InvariantCulture)} is out of range, expected {(minExclusive ? "(" : "[")}{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}{(maxExclusive ? ")" : "]")}");
        });
        return option;
    }
}
