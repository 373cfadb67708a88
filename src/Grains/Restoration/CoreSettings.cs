using System.Globalization;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Recipes;
using Spgd.Contracts.Sweeps;
using Spgd.Core.Operators;
using Spgd.Core.Sampling;

namespace Spgd.Grains.Restoration;

/// <summary>
/// Translates a resolved <see cref="TaskRecipe"/> into Core's operator and sampler settings, field by field: every
/// value was resolved once by the job (<see cref="RecipeResolver"/>), so nothing here chooses a default.
/// </summary>
public static class CoreSettings
{
    /// <summary>Recognised task parameter names (as in job specs) and the operator setting each one sets.</summary>
    public static IReadOnlyList<string> TaskParameterNames { get; } =
        ["mask_fraction", "box_size", "box_margin", "kernel_size", "kernel_std", "motion_intensity", "scale", "oversample", "hdr_scale", "kernel_path", "mask_path",
         NonlinearBlurSpec.CheckpointParameter, NonlinearBlurSpec.OptionsParameter, NonlinearBlurSpec.CodeParameter];

    /// <summary>Operator settings of <paramref name="recipe"/>; throws naming an unknown or malformed parameter.</summary>
    public static OperatorSettings ToOperator(TaskRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var s = new OperatorSettings(TaskNames.Normalize(recipe.Task), recipe.NoiseSigma);
        foreach (var (key, value) in recipe.Parameters)
        {
            s = key switch
            {
                "mask_fraction" => s with { DropFraction = Double(key, value) },
                "box_size" => s with { BoxSize = Int(key, value) },
                "box_margin" => s with { BoxMargin = Int(key, value) },
                "kernel_size" => s with { KernelSize = Int(key, value) },
                "kernel_std" => s with { GaussianStd = Double(key, value) },
                "motion_intensity" => s with { MotionIntensity = Double(key, value) },
                "scale" => s with { ScaleFactor = Int(key, value) },
                "oversample" => s with { Oversample = Double(key, value) },
                "hdr_scale" => s with { HdrScale = Double(key, value) },
                "kernel_path" => s with { KernelPath = value },
                "mask_path" => s with { MaskPath = value },
                NonlinearBlurSpec.CheckpointParameter => s with { NonlinearBlur = (s.NonlinearBlur ?? new(null)) with { Checkpoint = value } },
                NonlinearBlurSpec.OptionsParameter => s with { NonlinearBlur = (s.NonlinearBlur ?? new(null)) with { Options = value } },
                NonlinearBlurSpec.CodeParameter => s with { NonlinearBlur = (s.NonlinearBlur ?? new(null)) with { KernelCodePath = value } },
                _ => throw new ArgumentException(
                    $"Task {recipe.Task}: unknown parameter '{key}' (known: {string.Join(", ", TaskParameterNames)})."),
            };
        }

        s.Validate();
        return s;
    }

    /// <summary>Core's sampler options of <paramref name="recipe"/>.</summary>
    /// <exception cref="ArgumentException">Unknown algorithm or preset, or values Core refuses.</exception>
    public static SpgdOptions ToSampler(TaskRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        if (Baseline(recipe.Algorithm) is { } baseline)
        {
            // A baseline runs at its protocol for the task (Core's BaselineSamplers); SPGD's settings do not reach it. A
            // sweep's pair it refuses is accepted here and fails as its own items (CoreWorkItemRunner), not the job.
            return new SpgdOptions { Algorithm = baseline };
        }
        var options = new SpgdOptions
        {
            Algorithm = recipe.Algorithm switch
            {
                SamplerKinds.Spgd => SamplerAlgorithm.Spgd,
                SamplerKinds.DpsEdm => SamplerAlgorithm.Dps,
                _ => throw new ArgumentException($"Sampler '{recipe.Algorithm}' is not run by Core: expected one of {string.Join(", ", SamplerKinds.All)}."),
            },
            Steps = recipe.Steps,
            Warmup = recipe.Warmup,
            LearningRate = recipe.LearningRate,
            LrMinRatio = recipe.LrMinRatio,
            Beta = recipe.Beta,
            Adm = recipe.Adm,
            AdmAcrossSteps = recipe.AdmScope == AdmScopes.Trajectory,
            Preset = recipe.Preset switch
            {
                SamplerPresets.Paper => SpgdPreset.Paper,
                SamplerPresets.Reference => SpgdPreset.Reference,
                _ => throw new ArgumentException($"Sampler preset '{recipe.Preset}' is not valid: expected paper or reference."),
            },
            DiffStateGradTau = recipe.DiffStateGradTau,
            DiffStateGradPeriod = recipe.DiffStateGradPeriod,
            SigmaMax = recipe.SigmaMax,
            SigmaMin = recipe.SigmaMin,
            DpsStepSize = recipe.DpsStepSize,
        };
        options.Validate();
        return options;
    }

    /// <summary>Core's algorithm of a baseline sampler name, or null when <paramref name="algorithm"/> is not one.</summary>
    public static SamplerAlgorithm? Baseline(string algorithm) => SamplerKinds.IsBaseline(algorithm) ? BaselineSamplers.AlgorithmOf(algorithm) : null;

    private static double Double(string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
            : throw new ArgumentException($"Task parameter {key}='{value}' is not a number.");

    private static int Int(string key, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i
            : throw new ArgumentException($"Task parameter {key}='{value}' is not an integer.");
}
