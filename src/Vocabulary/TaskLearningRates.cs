namespace Spgd.Vocabulary;

/// <summary>
/// SPGD's learning rate per task and data set: the paper's Table 5 (FFHQ: inpainting 2.5, Gaussian deblur 1.5, motion
/// deblur 1, SR×4 8; ImageNet: 2.5, 1, 1, 7). Tasks the table does not list take <see cref="SamplerDefaults.LearningRate"/>.
/// </summary>
public static class TaskLearningRates
{
    private static readonly Dictionary<string, double> Ffhq = new()
    {
        [TaskNames.InpaintingRandom] = 2.5, [TaskNames.GaussianBlur] = 1.5, [TaskNames.MotionBlur] = 1, [TaskNames.SuperResolution] = 8,
    };

    private static readonly Dictionary<string, double> ImageNet = new()
    {
        [TaskNames.InpaintingRandom] = 2.5, [TaskNames.GaussianBlur] = 1, [TaskNames.MotionBlur] = 1, [TaskNames.SuperResolution] = 7,
    };

    /// <summary>Table 5's FFHQ rate for <paramref name="task"/> (any name or alias): the default of every job's task.</summary>
    public static double For(string task) => FfhqFor(task);

    /// <summary>Table 5's FFHQ rate, or the task-agnostic default for a task the table does not list.</summary>
    public static double FfhqFor(string task) => Ffhq.GetValueOrDefault(TaskNames.Normalize(task), SamplerDefaults.LearningRate);

    /// <summary>"inpainting_random 2.5, gaussian_blur 1.5, …; other tasks 2.5": the default rates, for help texts.</summary>
    public static string Describe() =>
        string.Join(", ", Ffhq.Select(kv => $"{kv.Key} {kv.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}"))
        + $"; other tasks {SamplerDefaults.LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Table 5's ImageNet rate, or the task-agnostic default for a task the table does not list.</summary>
    public static double ImageNetFor(string task) => ImageNet.GetValueOrDefault(TaskNames.Normalize(task), SamplerDefaults.LearningRate);
}
