using Microsoft.Extensions.Logging;
using Spgd.Contracts.Devices;

namespace Spgd.Grains.Jobs;

/// <summary>
/// How many items a job keeps in flight (<see cref="JobOptions.WindowPerSlot"/> × the cluster's compute slots, read
/// from the device registry at most every two seconds), when a freed place is worth a refill, and which silos freed
/// places since the last dispatch: each new item is offered to one of them, so the silo that finishes gets the next
/// item however stale the published loads are.
/// </summary>
internal sealed class DispatchWindow(JobOptions options)
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);
    private readonly Queue<string> _freedOn = new();
    private int _size;
    private DateTime _refreshedAt;

    /// <summary>The window now; the last known one when the registry does not answer.</summary>
    public async Task<int> SizeAsync(IGrainFactory grains, DateTime now, ILogger logger)
    {
        if (now - _refreshedAt < RefreshInterval && _size > 0) return _size;
        try
        {
            var loads = await grains.GetGrain<IDeviceRegistryGrain>(0).GetLoadsAsync();
            _size = options.WindowPerSlot * loads.Sum(l => l.Slots);
            _refreshedAt = now;
        }
        catch (Exception e) { logger.LogDebug(e, "Device registry unavailable"); }
        return _size;
    }

    /// <summary>
    /// True when at least <see cref="JobOptions.RefillFraction"/> of the window (and at least one place) is free, so
    /// one state write covers several dispatches.
    /// </summary>
    public bool ShouldRefill(int inFlight) =>
        _size > 0 && _size - inFlight >= Math.Max(1, (int)Math.Ceiling(_size * options.RefillFraction));

    /// <summary>A report from <paramref name="silo"/> freed a place there.</summary>
    public void Freed(string silo)
    {
        if (string.IsNullOrEmpty(silo)) return;
        _freedOn.Enqueue(silo);
        while (_freedOn.Count > Math.Max(1, _size)) _freedOn.Dequeue();
    }

    /// <summary>The silo to offer the next item to, if any freed a place.</summary>
    public string? NextPreferred() => _freedOn.TryDequeue(out var silo) ? silo : null;
}
