using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spgd.Contracts.Jobs;
using Spgd.Grains.Devices;

namespace Spgd.Silo;

/// <summary>Registers the work item runner of a silo with a real device.</summary>
internal static class SpgdRunnerSetup
{
    // Interim until Core's Restorer is merged: every item fails with a clear reason.
    public static IServiceCollection AddSpgdCoreRunner(this IServiceCollection services, string? modelCache)
    {
        services.TryAddSingleton<IWorkItemRunner, UnavailableRunner>();
        return services;
    }

    private sealed class UnavailableRunner : IWorkItemRunner
    {
        public RunResult Run(WorkItem item, string device, CancellationToken cancellationToken) =>
            throw new DeterministicItemException("this build has no restoration engine (Core's Restorer is not merged yet)");
    }
}
