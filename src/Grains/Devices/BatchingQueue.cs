namespace Spgd.Grains.Devices;

/// <summary>
/// The device's queue of accepted items, first in first out, from which a slot takes a <em>batch</em>: the oldest
/// item plus the following items with the same batch key, up to a maximum. Items with other keys keep their places,
/// so a batch never delays the items queued before its members. A null key means "runs alone".
/// </summary>
/// <typeparam name="T">Queued item.</typeparam>
/// <param name="keyOf">The item's batch key (compared with <see cref="object.Equals(object?)"/>), or null.</param>
public sealed class BatchingQueue<T>(Func<T, object?> keyOf)
{
    private readonly Func<T, object?> _keyOf = keyOf ?? throw new ArgumentNullException(nameof(keyOf));
    private readonly LinkedList<(T Item, object? Key)> _items = new();
    private readonly object _gate = new();
    private bool _completed;

    /// <summary>Items waiting.</summary>
    public int Count { get { lock (_gate) return _items.Count; } }

    /// <summary>Appends <paramref name="item"/>; false once <see cref="CompleteAdding"/> was called.</summary>
    public bool TryAdd(T item)
    {
        // The key is computed once, outside the lock (it may parse the item's settings).
        var key = _keyOf(item);
        lock (_gate)
        {
            if (_completed) return false;
            _items.AddLast((item, key));
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    /// <summary>Refuses further items and wakes waiting takers; what is queued can still be taken.</summary>
    public void CompleteAdding()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Removes the oldest item without waiting; false when empty.</summary>
    public bool TryTake(out T item)
    {
        lock (_gate)
        {
            if (_items.First is { } first)
            {
                _items.RemoveFirst();
                item = first.Value.Item;
                return true;
            }
        }

        item = default!;
        return false;
    }

    /// <summary>
    /// Waits for an item and takes it with up to <paramref name="maxSize"/> − 1 queued items of the same key, in queue
    /// order. With a positive <paramref name="linger"/>, an incomplete batch waits that long (from the first item's
    /// taking) for more items of its key; with zero it takes what is queued now. Returns an empty list once the queue
    /// is completed and empty.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public IReadOnlyList<T> TakeBatch(int maxSize, TimeSpan linger, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, 1);
        using var wake = cancellationToken.Register(() => { lock (_gate) Monitor.PulseAll(_gate); });
        lock (_gate)
        {
            while (_items.First is null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_completed) return [];
                Monitor.Wait(_gate);
            }

            var (first, key) = _items.First.Value;
            _items.RemoveFirst();
            var batch = new List<T>(Math.Min(maxSize, 1 + _items.Count)) { first };
            if (key is null || maxSize == 1) return batch;

            var deadline = DateTime.UtcNow + linger;
            while (true)
            {
                for (var node = _items.First; node is not null && batch.Count < maxSize;)
                {
                    var next = node.Next;
                    if (key.Equals(node.Value.Key))
                    {
                        batch.Add(node.Value.Item);
                        _items.Remove(node);
                    }
                    node = next;
                }

                var left = deadline - DateTime.UtcNow;
                if (batch.Count >= maxSize || left <= TimeSpan.Zero || _completed || cancellationToken.IsCancellationRequested) return batch;
                Monitor.Wait(_gate, left);
            }
        }
    }
}
