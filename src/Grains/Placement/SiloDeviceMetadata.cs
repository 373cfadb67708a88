using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Spgd.Grains.Placement;

/// <summary>
/// Silo metadata keys by which a silo declares its compute device. A silo without
/// <see cref="DeviceKey"/> hosts jobs and aggregators only.
/// </summary>
public static class SiloDeviceMetadata
{
    /// <summary>Device name: <c>cpu</c>, <c>cuda:N</c> (or <c>sim</c> for the simulated device).</summary>
    public const string DeviceKey = "spgd.device";

    /// <summary>Number of concurrent runs the device allows.</summary>
    public const string SlotsKey = "spgd.slots";

    /// <summary>The metadata a silo with this device publishes.</summary>
    public static Dictionary<string, string> For(string device, int slots) => new()
    {
        [DeviceKey] = device,
        [SlotsKey] = slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>True when the silo declared a device; <paramref name="slots"/> is then its slot count.</summary>
    public static bool TryGetDevice(SiloMetadata metadata, out string device, out int slots)
    {
        slots = 0;
        device = "";
        if (!metadata.Metadata.TryGetValue(DeviceKey, out var d) || string.IsNullOrEmpty(d)) return false;
        device = d;
        slots = metadata.Metadata.TryGetValue(SlotsKey, out var s) && int.TryParse(s, out var n) && n > 0 ? n : 1;
        return true;
    }
}
