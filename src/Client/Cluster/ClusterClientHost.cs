using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Spgd.Silo;
using Spgd.Silo.Redaction;

namespace Spgd.Client.Cluster;

/// <summary>
/// A started Orleans client for the cluster named by <c>--clustering</c>. Only Contracts and Orleans
/// client types are touched, so commands using it never load TorchSharp.
/// </summary>
public sealed class ClusterClientHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterClientHost(IHost host) => _host = host;

    /// <summary>The connected client.</summary>
    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Connects to <c>localhost</c> (gateway <paramref name="gatewayPort"/>), <c>redis://HOST:PORT</c> or <c>azure</c>
    /// (membership table of <paramref name="azureStorage"/>, default SPGD_STORAGE).</summary>
    public static async Task<ClusterClientHost> ConnectAsync(string clustering, string clusterId = "spgd", string serviceId = "spgd",
        int gatewayPort = 30000, CancellationToken cancellationToken = default, string? azureStorage = null)
    {
        var redis = ClusterConnectionString.RedisEndpoint(clustering);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddRedactingConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = serviceId; });
            if (redis is not null) client.UseRedisClustering(redis);
            else if (ClusterConnectionString.IsAzure(clustering))
                AzureProviders.UseClustering(client, azureStorage ?? Environment.GetEnvironmentVariable("SPGD_STORAGE")
                    ?? throw new ArgumentException("Clustering 'azure' needs SPGD_STORAGE: the cluster's Azure storage connection string."));
            else client.UseLocalhostClustering(gatewayPort);
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new ClusterClientHost(host);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        // Diagnostic (used by a test): proves that cluster commands stay free of TorchSharp.
        if (Environment.GetEnvironmentVariable("SPGD_DEBUG_ASSEMBLIES") is "1")
            foreach (var name in AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).Order())
                Console.Error.WriteLine($"loaded assembly: {name}");
    }
}
