using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Spgd.Grains.Datasets;
using Spgd.Grains.Devices;
using Spgd.Grains.Jobs;
using Spgd.Grains.Placement;

namespace Spgd.Grains.Hosting;

/// <summary>Registers the SPGD grains' services on a silo: placement, device executor, job options.</summary>
public static class SpgdSiloBuilderExtensions
{
    /// <summary>
    /// Adds placement (device and control-plane directors), publishes the device in the silo metadata,
    /// and registers the <see cref="DeviceExecutor"/>. The caller provides grain storage named
    /// <see cref="SpgdStorage.GrainStorageName"/>, an <see cref="Spgd.Storage.IBlobStore"/> and, unless the
    /// device is simulated, an <see cref="IWorkItemRunner"/> (first registration wins).
    /// </summary>
    public static ISiloBuilder AddSpgdGrains(this ISiloBuilder builder, DeviceOptions device, Action<JobOptions>? jobs = null)
    {
        if (device.HasDevice && device.Slots < 1)
            throw new ArgumentException($"Device {device.Device} needs at least one slot, got {device.Slots}.");
        if (device.MaxBatchSize < 1)
            throw new ArgumentException($"Device {device.Device}: the maximum batch size must be at least 1, got {device.MaxBatchSize}.");
        if (device.BatchLinger < TimeSpan.Zero)
            throw new ArgumentException($"Device {device.Device}: the batch linger must not be negative, got {device.BatchLinger}.");
        // Placement weighs silos by the items they run at once: a slot batching 4 items takes 4.
        builder.UseSiloMetadata(device.HasDevice ? SiloDeviceMetadata.For(device.Device!, device.ItemSlots) : new Dictionary<string, string>());
        builder.AddPlacementDirector<DevicePlacementStrategy, DevicePlacementDirector>();
        builder.AddPlacementDirector<ControlPlanePlacementStrategy, ControlPlanePlacementDirector>();
        builder.AddPlacementDirector<SiloBoundPlacementStrategy, SiloBoundPlacementDirector>();

        var services = builder.Services;
        services.AddSingleton(Options.Create(device));
        if (jobs is not null) services.Configure(jobs);
        else services.AddOptions<JobOptions>();
        services.AddSingleton<ClusterLoadView>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ClusterLoadView>());
        services.AddSingleton<DeviceExecutor>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DeviceExecutor>());
        // Silo hosts register their configured data roots, stores and cache first; a bare test cluster gets these.
        services.TryAddSingleton(DataRoots.Unconfined);
        services.TryAddSingleton(sp => new DatasetStores(sp.GetRequiredService<Spgd.Storage.IBlobStore>(), null));
        services.TryAddSingleton(_ => new BlobImageCache(Path.Combine(Path.GetTempPath(), "spgd-data-cache"), BlobImageCache.DefaultMaxBytes));
        services.TryAddSingleton<BlobImageReader>();
        if (device.SimulatedServiceTime is { } serviceTime)
            services.TryAddSingleton<IWorkItemRunner>(new SimulatedWorkItemRunner(serviceTime, !device.SimulatedUninterruptible));
        return builder;
    }
}
