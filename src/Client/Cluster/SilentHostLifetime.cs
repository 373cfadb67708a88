using Microsoft.Extensions.Hosting;

namespace Spgd.Client.Cluster;

/// <summary>
/// The lifetime of a silo hosted inside a command (<c>spgd run</c>): unlike the default console lifetime it does not take
/// over SIGINT/SIGTERM (which would keep the command running to the end), so the command's own <see cref="Cli.Interrupts"/> decide.
/// </summary>
internal sealed class SilentHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
