namespace Spgd.Contracts.Devices;

/// <summary>What a compute silo's device is doing, as published to the <see cref="IDeviceRegistryGrain"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record DeviceLoad
{
    /// <summary>Silo address (its string form).</summary>
    [Id(0)] public required string Silo { get; init; }

    /// <summary>Device name, e.g. <c>cpu</c> or <c>cuda:0</c>.</summary>
    [Id(1)] public required string Device { get; init; }

    /// <summary>Concurrent runs the device allows.</summary>
    [Id(2)] public int Slots { get; init; }

    /// <summary>Runs in progress.</summary>
    [Id(3)] public int Running { get; init; }

    /// <summary>Items waiting for a slot.</summary>
    [Id(4)] public int Queued { get; init; }

    /// <summary>When this was measured (UTC).</summary>
    [Id(5)] public DateTimeOffset At { get; init; }

    /// <summary>Slots not taken by running or queued items (may be negative when over-subscribed).</summary>
    public int Free => Slots - Running - Queued;
}
