using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Configuration;
using Spgd.Grains;
using Spgd.Grains.Devices;
using Spgd.Grains.Hosting;
using Spgd.Grains.Telemetry;
using Spgd.Silo.Redaction;

namespace Spgd.Silo;

/// <summary>
/// Configures a generic host as an SPGD silo: clustering (localhost or Redis, with Redis reminders),
/// storage, the declared device, health endpoints and OpenTelemetry. Used by Spgd.Silo's Program,
/// <c>spgd silo</c> and the in-process silo of <c>spgd run</c>.
/// </summary>
public static class SpgdSiloHost
{
    /// <summary>Adds the silo to <paramref name="builder"/>.</summary>
    public static IHostApplicationBuilder AddSpgdSilo(this IHostApplicationBuilder builder, SpgdSiloSettings settings)
    {
        var device = new DeviceOptions
        {
            Device = settings.SimulatedServiceTime is not null && settings.Device is null ? "sim"
                : settings.Device is null ? null : DeviceOptions.ParseDevice(settings.Device),
            Slots = settings.Slots,
            MaxBatchSize = settings.MaxBatchSize,
            BatchLinger = settings.BatchLinger,
            SimulatedServiceTime = settings.SimulatedServiceTime,
        };

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = settings.ServiceId; });
            if (settings.RedisEndpoint is { } redis)
            {
                silo.UseRedisClustering(redis);
                silo.UseRedisReminderService(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(redis));
                if (settings.AdvertisedAddress is { } ip)
                    silo.ConfigureEndpoints(IPAddress.Parse(ip), settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
                else
                    silo.ConfigureEndpoints(settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
            }
            else
            {
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
                silo.UseInMemoryReminderService();
            }

            SpgdStorageSetup.Add(silo, settings);
            silo.AddSpgdGrains(device);
            SpgdTuning.Bind(silo, builder.Configuration, device);
            if (TelemetryExporter(settings) is not null) silo.AddActivityPropagation();
        });

        if (device.HasDevice && device.SimulatedServiceTime is null) builder.Services.AddSpgdCoreRunner(settings);
        if (settings.HealthPort is { } port) builder.Services.AddHostedService(sp => new HealthEndpoint(port, sp));
        // Console logs go through the redacting formatter: no connection string or SAS reaches the pod's log.
        builder.Logging.AddRedactingConsole();
        AddTelemetry(builder, settings);
        return builder;
    }

    // Off (none) registers nothing: no listener, so no span is created and no gauge is read.
    private static void AddTelemetry(IHostApplicationBuilder builder, SpgdSiloSettings settings)
    {
        if (TelemetryExporter(settings) is not { } exporter) return;
        var otlp = exporter == "otlp";
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("spgd-silo", serviceInstanceId: Environment.MachineName + "/" + settings.SiloPort))
            .WithTracing(t =>
            {
                // Orleans' own spans link the dispatching job's span to the item's span on the compute silo.
                t.AddSource(SpgdTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application");
                t.AddProcessor(new Redaction.RedactingActivityProcessor());
                if (otlp) t.AddOtlpExporter(); else t.AddConsoleExporter();
            })
            .WithMetrics(m =>
            {
                m.AddMeter(SpgdTelemetry.Name, "Microsoft.Orleans");
                if (otlp) m.AddOtlpExporter(); else m.AddConsoleExporter();
            })
            .WithLogging(l =>
            {
                l.AddProcessor(new Redaction.RedactingLogProcessor());
                if (otlp) l.AddOtlpExporter(); else l.AddConsoleExporter();
            }, o => o.IncludeFormattedMessage = true);
    }

    /// <summary><c>console</c>, <c>otlp</c> (also implied by an OTLP endpoint) or null for none.</summary>
    private static string? TelemetryExporter(SpgdSiloSettings settings)
    {
        var exporter = settings.OtlpEndpoint is not null ? "otlp" : settings.Telemetry.ToLowerInvariant();
        if (exporter is "none" or "") return null;
        if (exporter is not ("console" or "otlp"))
            throw new ArgumentException($"Telemetry exporter '{settings.Telemetry}' is not valid: expected none, console or otlp.");
        return exporter;
    }
}
