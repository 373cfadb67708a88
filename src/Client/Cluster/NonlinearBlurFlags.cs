using Spgd.Contracts.Jobs;

namespace Spgd.Client.Cluster;

/// <summary>The job flags' side of nonlinear_blur: <c>--blur-model</c> becomes the task's checkpoint parameter.</summary>
internal static class NonlinearBlurFlags
{
    /// <summary>Task parameters per task name; throws (one line) when nonlinear_blur lacks its checkpoint or size, or another task gets it.</summary>
    public static Func<string, IReadOnlyDictionary<string, string>> Parameters(IReadOnlyList<string> tasks, string? blurModel, int size)
    {
        var blur = tasks.Any(t => TaskNames.TryNormalize(t) == NonlinearBlurSpec.Task);
        if (!blur)
        {
            if (blurModel is not null) throw new ArgumentException($"--blur-model applies only to --task {NonlinearBlurSpec.Task}.");
            return _ => new Dictionary<string, string>();
        }
        if (string.IsNullOrWhiteSpace(blurModel))
            throw new ArgumentException($"--task {NonlinearBlurSpec.Task} needs --blur-model PATH: BKSE's trained KernelWizard (GOPRO_wVAE.pth).");
        if (!File.Exists(blurModel)) throw new ArgumentException($"--blur-model {blurModel}: file not found.");
        if (size < 128 || size % 128 != 0)
            throw new ArgumentException($"--task {NonlinearBlurSpec.Task} needs images whose side is a multiple of 128 (--size 256), got {size}.");
        var parameters = new Dictionary<string, string> { [NonlinearBlurSpec.CheckpointParameter] = Path.GetFullPath(blurModel) };
        return name => TaskNames.TryNormalize(name) == NonlinearBlurSpec.Task ? parameters : new Dictionary<string, string>();
    }
}
