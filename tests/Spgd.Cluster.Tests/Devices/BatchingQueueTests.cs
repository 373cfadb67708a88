using Spgd.Grains.Devices;

namespace Spgd.Cluster.Tests.Devices;

/// <summary>The executor's queue: a slot takes the oldest item with the following same-key items, up to the maximum.</summary>
public sealed class BatchingQueueTests
{
    // Items are "key:n"; "solo:n" has no key (runs alone).
    private static BatchingQueue<string> Queue(params string[] items)
    {
        var queue = new BatchingQueue<string>(s => s.StartsWith("solo", StringComparison.Ordinal) ? null : s.Split(':')[0]);
        foreach (var item in items) Assert.True(queue.TryAdd(item));
        return queue;
    }

    private static IReadOnlyList<string> Take(BatchingQueue<string> q, int max) => q.TakeBatch(max, TimeSpan.Zero, CancellationToken.None);

    [Fact]
    public void SameKeyItemsAreTakenTogetherAndOthersKeepTheirPlaces()
    {
        var q = Queue("a:1", "b:1", "a:2", "b:2", "a:3");
        Assert.Equal(["a:1", "a:2", "a:3"], Take(q, 4));
        Assert.Equal(["b:1", "b:2"], Take(q, 4));
        Assert.Equal(0, q.Count);
    }

    [Fact]
    public void TheMaximumIsRespectedInQueueOrder()
    {
        var q = Queue("a:1", "a:2", "a:3", "a:4", "a:5");
        Assert.Equal(["a:1", "a:2"], Take(q, 2));
        Assert.Equal(["a:3", "a:4"], Take(q, 2));
        Assert.Equal(["a:5"], Take(q, 2));
    }

    [Fact]
    public void AMaximumOfOneOrANullKeyTakesOneItem()
    {
        var q = Queue("a:1", "a:2", "solo:1", "solo:2");
        Assert.Equal(["a:1"], Take(q, 1));
        Assert.Equal(["a:2"], Take(q, 8));
        Assert.Equal(["solo:1"], Take(q, 8));
        Assert.Equal(["solo:2"], Take(q, 8));
    }

    [Fact]
    public async Task ALingerWaitsForLateItemsOfTheSameKey()
    {
        var q = Queue("a:1", "b:1");
        var taking = Task.Run(() => q.TakeBatch(3, TimeSpan.FromSeconds(30), CancellationToken.None));
        await Task.Delay(100);
        q.TryAdd("b:2");
        q.TryAdd("a:2");
        q.TryAdd("a:3");
        // The batch is full before the linger ends, so it returns at once with the late items.
        Assert.Equal(["a:1", "a:2", "a:3"], await taking.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(["b:1", "b:2"], Take(q, 3));
    }

    [Fact]
    public async Task ACompletedQueueIsDrainedThenEmptyAndCancellationEndsAWait()
    {
        var q = Queue("a:1");
        q.CompleteAdding();
        Assert.False(q.TryAdd("a:2"));
        Assert.Equal(["a:1"], Take(q, 2));
        Assert.Empty(Take(q, 2));

        var open = Queue();
        using var cts = new CancellationTokenSource();
        var waiting = Task.Run(() => open.TakeBatch(2, TimeSpan.Zero, cts.Token));
        await Task.Delay(50);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(20)));
    }
}
