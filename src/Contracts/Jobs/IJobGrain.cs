namespace Spgd.Contracts.Jobs;

/// <summary>
/// A job, keyed by its id: expands its definition into work items, dispatches them to compute silos
/// with a bounded window, collects their reports and persists progress so that it resumes after its
/// silo dies. No call waits for restoration work.
/// </summary>
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the job. A definition that cannot run (bad settings, a data set that cannot be listed) is refused with a
    /// <see cref="JobState.Failed"/> status and nothing is stored. Submitting the id again with the same resolved spec and
    /// data set resumes it (a cancelled job runs its unfinished items) and returns its status; with a different spec or
    /// data it throws <see cref="ArgumentException"/> naming the difference.
    /// </summary>
    Task<JobStatus> SubmitAsync(JobDefinition definition);

    /// <summary>
    /// Starts the id afresh with <paramref name="definition"/>: the stored job's files are moved to
    /// <c>jobs/{id}.replaced-{UTC time}/</c> and its progress and aggregates are reset. Refused (throws) while it is running.
    /// </summary>
    Task<JobStatus> ReplaceAsync(JobDefinition definition);

    /// <summary>Current progress.</summary>
    Task<JobStatus> GetStatusAsync();

    /// <summary>State of every item (small DTOs; meant for tools and tests).</summary>
    Task<IReadOnlyList<ItemStatus>> GetItemsAsync();

    /// <summary>A worker reports the end of an attempt. Reports of finished items change nothing.</summary>
    Task ReportAsync(ItemOutcome outcome);

    /// <summary>Workers renew the leases of the items they hold (queued or running).</summary>
    /// <param name="indices">Item indices.</param>
    /// <param name="attempts">Attempt of each index, same order.</param>
    /// <param name="holder">The worker's silo (<c>SiloAddress.ToParsableString()</c>): a lease taken back keeps its holder, so a
    /// cancel still reaches that silo alone.</param>
    /// <returns>The indices among them that the job no longer needs (finished, superseded or job ended): drop them.</returns>
    Task<int[]> HeartbeatAsync(int[] indices, int[] attempts, string holder);

    /// <summary>
    /// A worker that is shutting down gracefully hands back an item it accepted but never started; the
    /// attempt is refunded and the item dispatched again at once.
    /// </summary>
    Task ReleaseAsync(int index, int attempt);

    /// <summary>Ends the job as cancelled: unfinished items are recorded <see cref="ItemState.Cancelled"/>; workers drop queued ones and stop running ones at their next heartbeat.</summary>
    Task CancelAsync();
}
