namespace Spgd.Grains.Devices;

/// <summary>
/// Proves a device works before its silo takes items: allocates on it and, when a model is configured, loads it.
/// Called on a background thread at start, and again while it fails; throws with the reason when the device does not answer.
/// </summary>
public interface IDeviceProbe
{
    /// <summary>Throws when <paramref name="device"/> cannot run items; returns what was checked otherwise.</summary>
    string Probe(string device, CancellationToken cancellationToken);
}
