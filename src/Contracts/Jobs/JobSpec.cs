namespace Spgd.Contracts.Jobs;

/// <summary>
/// A dataset-level restoration job as a user writes it (YAML or JSON, snake_case keys): which images, which prior,
/// which tasks with which operator and sampler settings, how many seeded runs, and what to save.
/// Load with <see cref="JobSpecLoader"/>, check with <see cref="JobSpecValidator"/>.
/// </summary>
[GenerateSerializer]
public sealed record JobSpec
{
    /// <summary>Job id (letters, digits, '.', '_', '-'); when absent the cluster assigns one.</summary>
    [Id(0)] public string? JobId { get; init; }

    /// <summary>The images to restore.</summary>
    [Id(1)] public DatasetSpec Dataset { get; init; } = new();

    /// <summary>The prior (denoiser).</summary>
    [Id(2)] public ModelSpec Model { get; init; } = new();

    /// <summary>One or more tasks; every image is restored under each.</summary>
    [Id(3)] public List<TaskSpec> Tasks { get; init; } = [];

    /// <summary>Runs (independent seeds) per image and task. Default 1.</summary>
    [Id(4)] public int Runs { get; init; } = 1;

    /// <summary>Job seed; every item's seed derives from it, the image id, the task and the run.</summary>
    [Id(5)] public ulong Seed { get; init; }

    /// <summary>What each item writes to storage.</summary>
    [Id(6)] public OutputSpec Save { get; init; } = new();

    /// <summary>Metric settings (LPIPS weights).</summary>
    [Id(7)] public MetricsSpec Metrics { get; init; } = new();

    /// <summary>
    /// Lists of sampler settings whose grid every task runs (see <see cref="Sweeps.SweepExpander"/>): items are grid ×
    /// images × tasks × runs, each grid point a table row. Keys left out keep each task's own sampler setting.
    /// </summary>
    [Id(8)] public Sweeps.SamplerSweep? Sweep { get; init; }

    /// <summary>
    /// The paper's protocol by name (<c>spgd-ffhq</c>, <c>spgd-imagenet</c>): Table 1's T, N, β, σ_y and Table 5's learning
    /// rate per task for every setting the spec leaves out; anything the spec states overrides it.
    /// </summary>
    [Id(9)] public string? Protocol { get; init; }
}
