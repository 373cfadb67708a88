namespace Spgd.Contracts.Jobs;

/// <summary>
/// One attempt of one work item, keyed <c>{job}/{item}#{attempt}</c>. Placed only on compute silos
/// (silos that declared a device); <see cref="StartAsync"/> hands the item to the silo's device queue
/// and returns at once; the result comes back through <see cref="IJobGrain.ReportAsync"/>.
/// </summary>
public interface IRestorationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Queues the item on this silo's device. Returns the silo's address (<c>SiloAddress.ToParsableString()</c>), so the
    /// job knows who holds the item; null when the queue is full (the job retries later).
    /// </summary>
    Task<string?> StartAsync(WorkItem item);
}
