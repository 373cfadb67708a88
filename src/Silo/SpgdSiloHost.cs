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
/// Configures a generic host as an SPGD silo: clustering (localhost, Redis with Redis reminders, or Azure Table Storage
/// with Azure reminders), storage, Kubernetes hosting when run in a pod, the declared device, the drain on shutdown,
/// health endpoints and OpenTelemetry. Used by Spgd.Silo's Program, <c>spgd silo</c> and the in-process silo of <c>spgd run</c>.
/// </summary>
public static class SpgdSiloHost
{
    /// <summary>Adds the silo to <paramref name="builder"/>.</summary>
    public static IHostApplicationBuilder AddSpgdSilo(this IHostApplicationBuilder builder, SpgdSiloSettings settings)
    {
        var drain = DrainPlan.For(settings.ShutdownGracePeriod);
        // Without this the host's 30-s default cuts the drain short whatever the pod's grace period.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = drain.HostShutdown);
        var device = new DeviceOptions
        {
            Device = settings.SimulatedServiceTime is not null && settings.Device is null ? "sim"
                : settings.Device is null ? null : DeviceOptions.ParseDevice(settings.Device),
            Slots = settings.Slots,
            MaxBatchSize = settings.MaxBatchSize,
            BatchLinger = settings.BatchLinger,
            SimulatedServiceTime = settings.SimulatedServiceTime,
            SimulatedUninterruptible = settings.SimulatedUninterruptible,
            DrainTimeout = drain.DeviceDrain,
        };

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = settings.ServiceId; });
            var redis = settings.RedisEndpoint;
            if (redis is not null || settings.AzureClustering)
            {
                if (redis is not null)
                {
                    silo.UseRedisClustering(redis);
                    silo.UseRedisReminderService(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(redis));
                }
                else
                {
                    AzureProviders.UseClustering(silo, settings.Storage
                        ?? throw new ArgumentException("Clustering 'azure' needs --storage / SPGD_STORAGE: an Azure storage connection string."));
                }
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

            // In a pod: silo named after the pod, pod IP advertised, and silos of deleted pods declared dead at once.
            if (KubernetesEnvironment.IsDetected(builder.Configuration)) silo.UseKubernetesHosting();
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
