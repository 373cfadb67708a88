using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spgd.Contracts.Jobs;
using Spgd.Grains.Devices;
using Spgd.Grains.Restoration;
using Spgd.Storage;

namespace Spgd.Silo;

/// <summary>Registers the Core work item runner of a silo with a real device, and the probe that gates its readiness.</summary>
internal static class SpgdRunnerSetup
{
    /// <summary>Shared denoisers (checkpoints resolved under the model cache folder, blob checkpoints fetched into the
    /// checkpoint cache), metrics, the runner and the device probe.</summary>
    public static IServiceCollection AddSpgdCoreRunner(this IServiceCollection services, SpgdSiloSettings settings)
    {
        services.TryAddSingleton(_ => new DenoiserCache(settings.ModelCache));
        services.TryAddSingleton<IRestorationMetrics>(_ => MetricSetMetrics.Create(settings.LpipsVgg, settings.LpipsLinear));
        services.TryAddSingleton(sp => new BlobCheckpointCache(sp.GetRequiredService<IBlobStore>(),
            settings.CheckpointCache ?? Path.Combine(Path.GetTempPath(), "spgd-checkpoints")));
        services.TryAddSingleton<IWorkItemRunner>(sp => new CoreWorkItemRunner(
            sp.GetRequiredService<DenoiserCache>(), sp.GetRequiredService<IRestorationMetrics>(), sp.GetRequiredService<Spgd.Grains.Datasets.BlobImageReader>(),
            sp.GetRequiredService<Spgd.Grains.Datasets.DataRoots>(), sp.GetRequiredService<BlobCheckpointCache>()));
        var preload = settings.PreloadModel is { } kind ? new ModelRef { Kind = kind, Checkpoint = settings.PreloadCheckpoint } : null;
        if (preload is null && settings.PreloadCheckpoint is not null)
            throw new ArgumentException("SPGD_PRELOAD_CHECKPOINT is set without SPGD_PRELOAD_MODEL (the model kind, e.g. ffhq256).");
        services.TryAddSingleton<IDeviceProbe>(sp => new TorchDeviceProbe(sp.GetRequiredService<DenoiserCache>(), preload));
        return services;
    }
}
