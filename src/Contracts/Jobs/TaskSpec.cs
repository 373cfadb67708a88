namespace Spgd.Contracts.Jobs;

/// <summary>One restoration task of a job: the forward operator and the sampler settings used for it.</summary>
[GenerateSerializer]
public sealed record TaskSpec
{
    /// <summary>Task name, canonical or alias (see <see cref="TaskNames"/>).</summary>
    [Id(0)] public string? Name { get; init; }

    /// <summary>Name of the task's output folder; the canonical task name when absent (set it to run one task twice).</summary>
    [Id(1)] public string? Label { get; init; }

    /// <summary>Forward operator and noise settings; absent values take the reference defaults.</summary>
    [Id(2)] public OperatorParams Operator { get; init; } = new();

    /// <summary>SPGD sampler settings; absent values take the defaults.</summary>
    [Id(3)] public SamplerParams Sampler { get; init; } = new();

    /// <summary>
    /// Summarise each image by its best of this many runs (by PSNR) instead of the mean over runs; needs <c>runs</c> ≥ K.
    /// Recorded in the summaries, never applied silently.
    /// </summary>
    [Id(4)] public int? BestOf { get; init; }
}
