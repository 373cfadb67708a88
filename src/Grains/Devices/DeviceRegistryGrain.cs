using Spgd.Contracts.Devices;
using Spgd.Grains.Placement;

namespace Spgd.Grains.Devices;

/// <summary>
/// In-memory registry of compute devices. It keeps no persistent state: compute silos republish every
/// second, so a re-activation is complete again within one period, and silent silos expire.
/// </summary>
[ControlPlanePlacement]
internal sealed class DeviceRegistryGrain : Grain, IDeviceRegistryGrain
{
    /// <summary>Entries older than this are treated as dead silos.</summary>
    internal static readonly TimeSpan Expiry = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, DeviceLoad> _loads = new();

    public Task PublishAsync(DeviceLoad load)
    {
        _loads[load.Silo] = load with { At = DateTimeOffset.UtcNow };
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DeviceLoad>> GetLoadsAsync()
    {
        var cutoff = DateTimeOffset.UtcNow - Expiry;
        foreach (var stale in _loads.Where(kv => kv.Value.At < cutoff).Select(kv => kv.Key).ToList())
            _loads.Remove(stale);
        return Task.FromResult<IReadOnlyList<DeviceLoad>>(_loads.Values.ToList());
    }
}
