using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spgd.Grains.Devices;

namespace Spgd.Silo;

/// <summary>
/// Minimal HTTP probes for Kubernetes: <c>/health/live</c> answers while the process runs,
/// <c>/health/ready</c> once the silo is started (and its device accepts work, if it has one).
/// </summary>
internal sealed class HealthEndpoint(int port, IServiceProvider services) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://*:{port}/health/");
        listener.Start();
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        var executor = services.GetRequiredService<DeviceExecutor>();
        using var _ = stoppingToken.Register(listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception) when (stoppingToken.IsCancellationRequested) { break; }

            var path = context.Request.Url?.AbsolutePath.TrimEnd('/') ?? "";
            var ok = path switch
            {
                "/health/live" => true,
                "/health/ready" => lifetime.ApplicationStarted.IsCancellationRequested && executor.IsReady,
                _ => false,
            };
            context.Response.StatusCode = ok ? 200 : path is "/health/live" or "/health/ready" ? 503 : 404;
            context.Response.Close();
        }
    }
}
