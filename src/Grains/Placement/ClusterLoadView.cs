using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Spgd.Contracts.Devices;

namespace Spgd.Grains.Placement;

/// <summary>
/// This silo's picture of every compute silo's load: refreshed from the
/// <see cref="IDeviceRegistryGrain"/> every <see cref="RefreshInterval"/>, plus the placements this silo
/// made since, so a burst of placements spreads out before the next refresh.
/// </summary>
public sealed class ClusterLoadView(IGrainFactory grains, ILogger<ClusterLoadView> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How often the registry is read.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private volatile Dictionary<string, DeviceLoad> _loads = new();
    private readonly ConcurrentDictionary<string, int> _placedSinceRefresh = new();
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Free slots of <paramref name="silo"/> as far as this silo knows.</summary>
    public int EstimateFree(SiloAddress silo, int declaredSlots)
    {
        var key = silo.ToParsableString();
        var free = _loads.TryGetValue(key, out var load) ? load.Free : declaredSlots;
        return free - _placedSinceRefresh.GetValueOrDefault(key);
    }

    /// <summary>Counts a placement until the next refresh shows it.</summary>
    public void RecordPlacement(SiloAddress silo) =>
        _placedSinceRefresh.AddOrUpdate(silo.ToParsableString(), 1, (_, n) => n + 1);

    /// <summary>Total slots of live compute silos (0 when none has published yet).</summary>
    public int TotalSlots => _loads.Values.Sum(l => l.Slots);

    void ILifecycleParticipant<ISiloLifecycle>.Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusterLoadView), ServiceLifecycleStage.Active,
            ct => { RefreshLoopAsync().Ignore(); return Task.CompletedTask; },
            _ => { _stop.Cancel(); return Task.CompletedTask; });

    private async Task RefreshLoopAsync()
    {
        var registry = grains.GetGrain<IDeviceRegistryGrain>(0);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var loads = await registry.GetLoadsAsync();
                _loads = loads.ToDictionary(l => l.Silo);
                _placedSinceRefresh.Clear();
            }
            catch (Exception e) when (!_stop.IsCancellationRequested)
            {
                logger.LogDebug(e, "Device registry not reachable; keeping the previous load view");
            }

            try { await Task.Delay(RefreshInterval, _stop.Token); }
            catch (OperationCanceledException) { break; }
        }
    }
}
