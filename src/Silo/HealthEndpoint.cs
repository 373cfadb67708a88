using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spgd.Grains.Devices;

namespace Spgd.Silo;

/// <summary>
/// HTTP probes for Kubernetes. <c>/health/ready</c>: 200 once the silo is started and its device (if any) answered its
/// probe, 503 with the reason otherwise (device failure, starting, stopping). <c>/health/live</c>: 200 unless a run is stuck
/// on the device past its deadline for longer than the stall bound (503 with the reason), which only a restart fixes.
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
            var (status, reason) = path switch
            {
                "/health/live" => executor.StallReason is { } stall ? (503, stall) : (200, "live"),
                "/health/ready" => Ready(lifetime, executor),
                _ => (404, "not found"),
            };
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/plain; charset=utf-8";
            var body = Encoding.UTF8.GetBytes(reason + "\n");
            try { await context.Response.OutputStream.WriteAsync(body, stoppingToken); }
            catch (Exception e) when (e is HttpListenerException or IOException or OperationCanceledException) { }
            context.Response.Close();
        }
    }

    private static (int, string) Ready(IHostApplicationLifetime lifetime, DeviceExecutor executor)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested) return (503, "stopping");
        if (!lifetime.ApplicationStarted.IsCancellationRequested) return (503, "starting");
        return executor.NotReadyReason is { } reason ? (503, reason) : (200, executor.Device.Length == 0 ? "ready (no device)" : $"ready ({executor.Device})");
    }
}
