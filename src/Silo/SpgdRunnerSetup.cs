using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spgd.Grains.Devices;
using Spgd.Grains.Restoration;
using Spgd.Storage;

namespace Spgd.Silo;

/// <summary>Registers the Core work item runner of a silo with a real device.</summary>
internal static class SpgdRunnerSetup
{
    /// <summary>Shared denoisers (checkpoints resolved under the model cache folder), metrics, and the runner.</summary>
    public static IServiceCollection AddSpgdCoreRunner(this IServiceCollection services, SpgdSiloSettings settings)
    {
        services.TryAddSingleton(_ => new DenoiserCache(settings.ModelCache));
        services.TryAddSingleton<IRestorationMetrics>(_ => MetricSetMetrics.Create(settings.LpipsVgg, settings.LpipsLinear));
        services.TryAddSingleton<IWorkItemRunner>(sp => new CoreWorkItemRunner(
            sp.GetRequiredService<DenoiserCache>(), sp.GetRequiredService<IRestorationMetrics>(), sp.GetRequiredService<Spgd.Grains.Datasets.BlobImageReader>(),
            sp.GetRequiredService<Spgd.Grains.Datasets.DataRoots>()));
        return services;
    }
}
