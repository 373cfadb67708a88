using System.Globalization;
using Spgd.Contracts.Jobs;
using Spgd.Core.Operators;
using Spgd.Core.Sampling;

namespace Spgd.Grains.Restoration;

/// <summary>Translates the cluster's serializable settings into Core's operator and sampler settings.</summary>
public static class CoreSettings
{
    /// <summary>Recognised task parameter names (as in job specs) and the operator setting each one sets.</summary>
    public static IReadOnlyList<string> TaskParameterNames { get; } =
        ["mask_fraction", "box_size", "box_margin", "kernel_size", "kernel_std", "motion_intensity", "scale", "oversample", "hdr_scale", "kernel_path", "mask_path",
         NonlinearBlurSpec.CheckpointParameter, NonlinearBlurSpec.OptionsParameter, NonlinearBlurSpec.CodeParameter];

    /// <summary>Operator settings of <paramref name="task"/>; throws naming an unknown or malformed parameter.</summary>
    public static OperatorSettings ToOperator(TaskSettings task)
    {
        var s = new OperatorSettings(TaskNames.Normalize(task.Name), task.NoiseSigma);
        foreach (var (key, value) in task.Parameters)
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
                    $"Task {task.Name}: unknown parameter '{key}' (known: {string.Join(", ", TaskParameterNames)})."),
            };
        }

        s.Validate();
        return s;
    }

    /// <summary>Sampler options of a job.</summary>
    public static SpgdOptions ToSampler(SamplerSettings sampler)
    {
        var preset = sampler.Preset.Trim().ToLowerInvariant() switch
        {
            "paper" => SpgdPreset.Paper,
            "reference" => SpgdPreset.Reference,
            _ => throw new ArgumentException($"Sampler preset '{sampler.Preset}' is not valid: expected paper or reference."),
        };
        var options = new SpgdOptions
        {
            Steps = sampler.Steps, Warmup = sampler.Warmup, Preset = preset, Beta = sampler.Beta, DiffStateGradTau = sampler.DiffStateGradTau,
        };
        if (sampler.LearningRate is { } lr) options = options with { LearningRate = lr };
        if (sampler.LrMinRatio is { } ratio) options = options with { LrMinRatio = ratio };
        if (sampler.DiffStateGradPeriod is { } period) options = options with { DiffStateGradPeriod = period };
        if (sampler.SigmaMax is { } max) options = options with { SigmaMax = max };
        if (sampler.SigmaMin is { } min) options = options with { SigmaMin = min };
        options.Validate();
        return options;
    }

    private static double Double(string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
            : throw new ArgumentException($"Task parameter {key}='{value}' is not a number.");

    private static int Int(string key, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i
            : throw new ArgumentException($"Task parameter {key}='{value}' is not an integer.");
}
