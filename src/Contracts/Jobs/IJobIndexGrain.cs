namespace Spgd.Contracts.Jobs;

/// <summary>The list of submitted job ids (one instance, key <c>0</c>), so tools can enumerate jobs.</summary>
public interface IJobIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Records a job id (idempotent).</summary>
    Task AddAsync(string jobId, DateTimeOffset submittedAt);

    /// <summary>All job ids, oldest first.</summary>
    Task<IReadOnlyList<string>> ListAsync();
}
