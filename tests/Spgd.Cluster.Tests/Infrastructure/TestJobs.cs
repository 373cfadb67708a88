using Spgd.Contracts.Jobs;

namespace Spgd.Cluster.Tests.Infrastructure;

/// <summary>Small job definitions for orchestration tests.</summary>
internal static class TestJobs
{
    public static readonly string[] Tasks = ["inpainting_random", "gaussian_blur", "super_resolution"];

    public static JobDefinition Demo(int images, int taskCount, int runs = 1, int steps = 4, int warmup = 2) => new()
    {
        Dataset = new DatasetRef { Kind = DatasetKind.SpectralDemo, Count = images, Size = 64, Label = "demo" },
        Model = new ModelRef { Kind = "spectral-gaussian" },
        Tasks = Tasks.Take(taskCount).Select(t => new TaskSettings { Name = t }).ToList(),
        Runs = runs,
        Seed = 1234,
        Sampler = new SamplerParams { Steps = steps, Warmup = warmup },
    };

    public static IEnumerable<string> ItemIds(JobDefinition d, IEnumerable<string> imageIds) =>
        from t in d.Tasks from i in imageIds from r in Enumerable.Range(0, d.Runs) select ItemKeys.ItemId(t.Name, i, r);

    public static IEnumerable<string> DemoImageIds(int count) => Enumerable.Range(0, count).Select(i => $"demo-{i:D3}");
}
