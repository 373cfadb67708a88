using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Spgd.Client.Cli;
using Spgd.Client.Cluster;
using Spgd.Silo;

namespace Spgd.Client.Commands;

/// <summary><c>spgd silo</c>: runs a silo of a cluster in the foreground until Ctrl+C.</summary>
public static class SiloCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var clustering = ClusterCommandOptions.Clustering();
        var storage = ClusterCommandOptions.Storage();
        var device = new Option<string?>("--device") { Description = "cpu | cuda:N (omit for a silo that only hosts jobs and aggregators)" };
        var slots = CliOptions.Integer("--slots", "Concurrent items on the device (one thread each)", 1, 1024, defaultValue: 1);
        var maxBatch = CliOptions.Integer("--max-batch",
            "Run up to this many queued items with the same model, task, image size and schedule as one batch (1: no batching)", 1, 1024, defaultValue: 1);
        var linger = CliOptions.Integer("--batch-linger-ms", "Wait this long for a batch to fill (0: take what is queued)", 0, 600_000, defaultValue: 0);
        var simulate = CliOptions.OptionalInteger("--simulate-ms", "Simulated device: each item holds a slot this many milliseconds", 0, 3_600_000);
        var siloPort = CliOptions.Integer("--silo-port", "Silo-to-silo port", 1, 65535, defaultValue: 11111);
        var gatewayPort = CliOptions.Integer("--gateway-port", "Client gateway port", 1, 65535, defaultValue: 30000);
        var telemetry = new Option<string>("--telemetry") { DefaultValueFactory = _ => "none", Description = "none | console | otlp" };
        var dataRoots = new Option<string?>("--data-roots")
        {
            Description = "Folders (':'-separated) this silo reads data sets and checkpoints from (default: $SPGD_DATA_ROOTS, else the storage folder and the working folder)",
        };
        var command = new Command("silo", "Run a silo of an SPGD cluster") { clustering, storage, device, slots, maxBatch, linger, simulate, siloPort, gatewayPort, telemetry, dataRoots };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new SpgdSiloSettings
            {
                Clustering = ClusterCommandOptions.ClusteringOf(parse, clustering), Storage = ClusterCommandOptions.StorageOf(parse, storage), Device = parse.GetValue(device),
                Slots = parse.GetValue(slots), MaxBatchSize = parse.GetValue(maxBatch), BatchLinger = TimeSpan.FromMilliseconds(parse.GetValue(linger)),
                SiloPort = parse.GetValue(siloPort), GatewayPort = parse.GetValue(gatewayPort),
                Telemetry = parse.GetValue(telemetry)!,
                DataRoots = parse.GetValue(dataRoots) ?? (Environment.GetEnvironmentVariable("SPGD_DATA_ROOTS") is { Length: > 0 } roots ? roots : null),
                SimulatedServiceTime = parse.GetValue(simulate) is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            };
            var builder = Host.CreateApplicationBuilder();
            builder.AddSpgdSilo(settings);
            await builder.Build().RunAsync(ct);
            return 0;
        });
        return command;
    }
}
