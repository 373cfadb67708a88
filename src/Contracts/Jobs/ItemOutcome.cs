namespace Spgd.Contracts.Jobs;

/// <summary>How one attempt of an item ended.</summary>
public enum OutcomeKind
{
    /// <summary>Restored, measured and written to storage.</summary>
    Succeeded,

    /// <summary>Failed for a reason that a retry cannot change (e.g. an undecodable image): recorded once, never retried.</summary>
    FailedDeterministic,

    /// <summary>Failed for a reason of the item's run that may pass (device, lost worker): retried with back-off, spending an attempt.</summary>
    FailedTransient,

    /// <summary>
    /// Not the item's fault: storage or transport failed (an image not readable, outputs not writable). Retried after
    /// back-off without spending an attempt, however long the outage lasts.
    /// </summary>
    FailedInfrastructure,

    /// <summary>
    /// Ran past its deadline (a hung kernel, a decoder that never returns) and was cancelled: the attempt is spent, and
    /// the item is retried with back-off while attempts remain (the hang may be the device's).
    /// </summary>
    DeadlineExceeded,
}

/// <summary>Quality of one restored image against its clean reference.</summary>
/// <param name="Psnr">PSNR in dB (higher is better).</param>
/// <param name="Ssim">SSIM in [0, 1] (higher is better).</param>
/// <param name="Lpips">LPIPS (lower is better), when the silo has the LPIPS weights.</param>
[GenerateSerializer, Immutable]
public sealed record ItemMetrics(
    [property: Id(0)] double Psnr,
    [property: Id(1)] double Ssim,
    [property: Id(2)] double? Lpips);

/// <summary>The report a worker sends to its job when an attempt ends.</summary>
[GenerateSerializer, Immutable]
public sealed record ItemOutcome
{
    /// <summary>Owning job.</summary>
    [Id(0)] public required string JobId { get; init; }

    /// <summary>Item position in the job.</summary>
    [Id(1)] public required int Index { get; init; }

    /// <summary>Stable item identifier.</summary>
    [Id(2)] public required string ItemId { get; init; }

    /// <summary>Task of the item.</summary>
    [Id(3)] public required string Task { get; init; }

    /// <summary>Image of the item.</summary>
    [Id(4)] public required string ImageId { get; init; }

    /// <summary>Run of the item.</summary>
    [Id(5)] public int Run { get; init; }

    /// <summary>The attempt this report belongs to.</summary>
    [Id(6)] public int Attempt { get; init; }

    /// <summary>Result kind.</summary>
    [Id(7)] public OutcomeKind Kind { get; init; }

    /// <summary>Metrics when succeeded.</summary>
    [Id(8)] public ItemMetrics? Metrics { get; init; }

    /// <summary>Failure reason when failed.</summary>
    [Id(9)] public string? Error { get; init; }

    /// <summary>Silo that ran the attempt.</summary>
    [Id(10)] public string Silo { get; init; } = "";

    /// <summary>Device that ran the attempt (<c>cpu</c>, <c>cuda:0</c>, <c>sim</c>).</summary>
    [Id(11)] public string Device { get; init; } = "";

    /// <summary>Network (denoiser) evaluations used.</summary>
    [Id(12)] public int NetworkEvaluations { get; init; }

    /// <summary>Wall time of the run on the device, in seconds (queueing excluded).</summary>
    [Id(13)] public double Seconds { get; init; }

    /// <summary>Derived seed of the item (for reproduction).</summary>
    [Id(14)] public ulong Seed { get; init; }

    /// <summary>The grid point's label (the table row) for an item of a sweep; null without a sweep.</summary>
    [Id(15)] public string? Method { get; init; }

    /// <summary>The settings the item ran with (algorithm, T, N, β, lr and its decay, σ_y, operator parameters, preset, their sources).</summary>
    [Id(16)] public Recipes.TaskRecipe? Recipe { get; init; }
}
