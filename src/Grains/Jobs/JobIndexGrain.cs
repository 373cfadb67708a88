using Spgd.Contracts.Jobs;
using Spgd.Grains.Placement;

namespace Spgd.Grains.Jobs;

/// <summary>Persisted list of job ids.</summary>
[ControlPlanePlacement]
internal sealed class JobIndexGrain(
    [PersistentState("index", SpgdStorage.GrainStorageName)] IPersistentState<JobIndexGrain.IndexState> state)
    : Grain, IJobIndexGrain
{
    public async Task AddAsync(string jobId, DateTimeOffset submittedAt)
    {
        if (state.State.Jobs.Contains(jobId)) return;
        state.State.Jobs.Add(jobId);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.Jobs.ToList());

    /// <summary>Persisted ids.</summary>
    [GenerateSerializer]
    public sealed class IndexState
    {
        /// <summary>Job ids in submission order.</summary>
        [Id(0)] public List<string> Jobs { get; set; } = [];
    }
}
