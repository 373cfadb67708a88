namespace Spgd.Contracts.Devices;

/// <summary>
/// Cluster-wide view of compute devices (one instance, key <c>0</c>). Entries that are not refreshed
/// expire, so a dead silo drops out within seconds.
/// </summary>
public interface IDeviceRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Publishes a silo's current load.</summary>
    Task PublishAsync(DeviceLoad load);

    /// <summary>Live entries.</summary>
    Task<IReadOnlyList<DeviceLoad>> GetLoadsAsync();
}
