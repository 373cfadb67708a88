namespace Spgd.Contracts.Jobs;

/// <summary>
/// A job, keyed by its id: expands its definition into work items, dispatches them to compute silos
/// with a bounded window, collects their reports and persists progress so that it resumes after its
/// silo dies. No call waits for restoration work.
/// </summary>
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job. Submitting the same id with the same definition again returns the current status (it
    /// attaches); with a different definition it throws <see cref="ArgumentException"/>.</summary>
    Task<JobStatus> SubmitAsync(JobDefinition definition);

    /// <summary>Current progress.</summary>
    Task<JobStatus> GetStatusAsync();

    /// <summary>State of every item (small DTOs; meant for tools and tests).</summary>
    Task<IReadOnlyList<ItemStatus>> GetItemsAsync();

    /// <summary>A worker reports the end of an attempt. Reports of finished items change nothing.</summary>
    Task ReportAsync(ItemOutcome outcome);

    /// <summary>Workers renew the leases of the items they hold (queued or running).</summary>
    /// <param name="indices">Item indices.</param>
    /// <param name="attempts">Attempt of each index, same order.</param>
    /// <returns>The indices among them that the job no longer needs (finished, superseded or job ended): drop them.</returns>
    Task<int[]> HeartbeatAsync(int[] indices, int[] attempts);

    /// <summary>
    /// A worker that is shutting down gracefully hands back an item it accepted but never started; the
    /// attempt is refunded and the item dispatched again at once.
    /// </summary>
    Task ReleaseAsync(int index, int attempt);

    /// <summary>Ends the job as cancelled: unfinished items are recorded <see cref="ItemState.Cancelled"/>; workers drop queued ones and stop running ones at their next heartbeat.</summary>
    Task CancelAsync();
}
