using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spgd.Grains.Devices;

namespace Spgd.Silo;

/// <summary>
/// HTTP probes for Kubernetes. <c>/health/ready</c>: 200 once the silo is started and its device (if any) answered its
/// probe, 503 with the reason otherwise (device failure, starting, stopping). <c>/health/live</c>: 200 unless a run is stuck
/// on the device past its deadline for longer than the stall bound (503 with the reason), which only a restart fixes.
/// Served by a minimal Kestrel of its own on <c>port</c>, started and stopped with the silo's host.
/// </summary>
internal sealed class HealthEndpoint(int port, IServiceProvider services) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        var executor = services.GetRequiredService<DeviceExecutor>();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));
        await using var app = builder.Build();
        app.MapGet("/health/live", () => executor.StallReason is { } stall ? Answer(503, stall) : Answer(200, "live"));
        app.MapGet("/health/ready", () => { var (status, reason) = Ready(lifetime, executor); return Answer(status, reason); });
        await app.StartAsync(stoppingToken);
        try { await Task.Delay(Timeout.Infinite, stoppingToken); }
        catch (OperationCanceledException) { }
        await app.StopAsync(CancellationToken.None);
    }

    private static IResult Answer(int status, string reason) => Results.Text(reason + "\n", "text/plain; charset=utf-8", statusCode: status);

    private static (int, string) Ready(IHostApplicationLifetime lifetime, DeviceExecutor executor)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested) return (503, "stopping");
        if (!lifetime.ApplicationStarted.IsCancellationRequested) return (503, "starting");
        return executor.NotReadyReason is { } reason ? (503, reason) : (200, executor.Device.Length == 0 ? "ready (no device)" : $"ready ({executor.Device})");
    }
}
