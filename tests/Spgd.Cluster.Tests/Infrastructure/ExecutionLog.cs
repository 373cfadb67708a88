using System.Collections.Concurrent;
using Spgd.Contracts.Jobs;
using Spgd.Grains.Devices;

namespace Spgd.Cluster.Tests.Infrastructure;

/// <summary>What ran where: completed executions per item, and which silos served restoration grain calls.</summary>
internal sealed class ExecutionLog
{
    public ConcurrentQueue<(string Silo, string ItemId)> Executions { get; } = new();
    public ConcurrentQueue<(string Silo, string ItemId)> Attempts { get; } = new();
    public ConcurrentQueue<(string Silo, string Grain)> RestorationCalls { get; } = new();
    /// <summary>Restoration calls that carried a placement hint: the silo that served the call and the silo the job named.</summary>
    public ConcurrentQueue<(string Silo, string Preferred)> HintedCalls { get; } = new();
    /// <summary>Every run of the runner: one item, or a batch of several.</summary>
    public ConcurrentQueue<(string Silo, string[] ItemIds)> Runs { get; } = new();
    /// <summary>Runs that ended because their token was cancelled (the silo stopping, or the jobs wanting none of their items).</summary>
    public ConcurrentQueue<(string Silo, string[] ItemIds)> Cancelled { get; } = new();

    public int ExecutionsOf(string itemId) => Executions.Count(e => e.ItemId == itemId);
    public int AttemptsOf(string itemId) => Attempts.Count(e => e.ItemId == itemId);
}

/// <summary>Wraps the silo's runner and logs each attempt, and each execution that ran to its end; batches pass
/// through when the inner runner supports them.</summary>
internal sealed class RecordingRunner(IWorkItemRunner inner, ExecutionLog log, string silo) : IBatchWorkItemRunner
{
    public RunResult Run(WorkItem item, string device, CancellationToken cancellationToken)
    {
        log.Attempts.Enqueue((silo, item.ItemId));
        log.Runs.Enqueue((silo, [item.ItemId]));
        RunResult result;
        try { result = inner.Run(item, device, cancellationToken); }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.Cancelled.Enqueue((silo, [item.ItemId]));
            throw;
        }
        log.Executions.Enqueue((silo, item.ItemId));
        return result;
    }

    public object? BatchKey(WorkItem item) => (inner as IBatchWorkItemRunner)?.BatchKey(item);

    public IReadOnlyList<ItemRunOutcome> RunBatch(IReadOnlyList<WorkItem> items, string device, CancellationToken cancellationToken)
    {
        foreach (var item in items) log.Attempts.Enqueue((silo, item.ItemId));
        log.Runs.Enqueue((silo, items.Select(i => i.ItemId).ToArray()));
        var outcomes = ((IBatchWorkItemRunner)inner).RunBatch(items, device, cancellationToken);
        for (var k = 0; k < items.Count; k++)
            if (outcomes[k].Result is not null) log.Executions.Enqueue((silo, items[k].ItemId));
        return outcomes;
    }
}

/// <summary>Records the silo of every call into a restoration grain (i.e. where its activation lives).</summary>
internal sealed class RestorationCallRecorder(ExecutionLog log, string silo) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(IRestorationGrain))
        {
            log.RestorationCalls.Enqueue((silo, context.TargetId.ToString()));
            if (RequestContext.Get(Spgd.Grains.Placement.PlacementHints.PreferredSilo) is string preferred) log.HintedCalls.Enqueue((silo, preferred));
        }
        return context.Invoke();
    }
}
