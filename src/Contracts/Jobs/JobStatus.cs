namespace Spgd.Contracts.Jobs;

/// <summary>Life cycle of a job.</summary>
public enum JobState
{
    /// <summary>No job with this id was submitted.</summary>
    Unknown,

    /// <summary>Items are being dispatched and run.</summary>
    Running,

    /// <summary>Every item succeeded.</summary>
    Completed,

    /// <summary>Every item finished, some failed (reasons in the summaries).</summary>
    CompletedWithFailures,

    /// <summary>Cancelled by a user; unfinished items are recorded as cancelled.</summary>
    Cancelled,

    /// <summary>The job could not run at all (e.g. its data set could not be listed) or every item failed.</summary>
    Failed,
}

/// <summary>A snapshot of a job's progress.</summary>
[GenerateSerializer, Immutable]
public sealed record JobStatus
{
    /// <summary>Job id.</summary>
    [Id(0)] public required string JobId { get; init; }

    /// <summary>Current state.</summary>
    [Id(1)] public JobState State { get; init; }

    /// <summary>Total number of items.</summary>
    [Id(2)] public int Total { get; init; }

    /// <summary>Items that succeeded.</summary>
    [Id(3)] public int Succeeded { get; init; }

    /// <summary>Items that failed for good.</summary>
    [Id(4)] public int Failed { get; init; }

    /// <summary>Items currently dispatched to workers.</summary>
    [Id(5)] public int InFlight { get; init; }

    /// <summary>Attempts that were retried (transient failure or lost worker).</summary>
    [Id(6)] public int Retries { get; init; }

    /// <summary>When the job was submitted (UTC).</summary>
    [Id(7)] public DateTimeOffset SubmittedAt { get; init; }

    /// <summary>When the job ended (UTC), if it did.</summary>
    [Id(8)] public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Why the job failed, when <see cref="State"/> is <see cref="JobState.Failed"/>.</summary>
    [Id(9)] public string? Error { get; init; }

    /// <summary>Data set label.</summary>
    [Id(10)] public string Dataset { get; init; } = "";

    /// <summary>Name of the silo hosting the job grain now.</summary>
    [Id(11)] public string Silo { get; init; } = "";

    /// <summary>Items finished (succeeded or failed).</summary>
    public int Finished => Succeeded + Failed;

    /// <summary>True once the job cannot change any more.</summary>
    public bool IsTerminal => State is JobState.Completed or JobState.CompletedWithFailures or JobState.Cancelled or JobState.Failed;
}

/// <summary>Persisted status of one item as the job sees it.</summary>
public enum ItemState : byte
{
    /// <summary>Waiting to be dispatched (first time or for a retry).</summary>
    Pending = 0,

    /// <summary>Dispatched; a worker holds a lease on it.</summary>
    Dispatched = 1,

    /// <summary>Finished successfully.</summary>
    Succeeded = 2,

    /// <summary>Finished with a failure that is final.</summary>
    Failed = 3,

    /// <summary>Not finished when the job was cancelled.</summary>
    Cancelled = 4,
}

/// <summary>One item in a job listing.</summary>
/// <param name="ItemId">Stable item identifier.</param>
/// <param name="State">Item state.</param>
/// <param name="Attempts">Attempts made so far.</param>
[GenerateSerializer, Immutable]
public sealed record ItemStatus(
    [property: Id(0)] string ItemId,
    [property: Id(1)] ItemState State,
    [property: Id(2)] int Attempts)
{
    /// <summary>The silo holding the item while it is in flight (its address, as the job last heard), when known.</summary>
    [Id(3)] public string? Holder { get; init; }
}
