using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spgd.Client.Cluster;
using Spgd.Contracts.Jobs;
using Spgd.Core.Benchmarks;
using Spgd.Core.Denoising;
using Spgd.Core.Imaging;
using Spgd.Core.Restoration;
using Spgd.Grains.Restoration;
using Spgd.Silo;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Client.Bench;

/// <summary>
/// <c>spgd bench orchestration</c>: the cost of running items as an Orleans job instead of a plain loop.
/// The same demo items (spectral prior, one task, seeds from <see cref="ItemSeed.Derive"/>) are restored once
/// by calling Core directly and once as a job on the in-process silo <c>spgd run</c> hosts (one CPU slot).
/// </summary>
public static class OrchestrationBench
{
    /// <summary>Builds the sub-command.</summary>
    public static Command Create()
    {
        var items = new Option<int>("--items") { Description = "Timed items per mode", DefaultValueFactory = _ => 200 };
        var size = new Option<int>("--size") { Description = "Image side", DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps") { Description = "T, outer steps", DefaultValueFactory = _ => 10 };
        var inner = new Option<int>("--inner") { Description = "N, warm-up iterations per outer step", DefaultValueFactory = _ => 2 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed items run first in each mode", DefaultValueFactory = _ => 2 };
        var task = new Option<string>("--task") { Description = "Task of every item", DefaultValueFactory = _ => "inpainting_random" };
        var json = new Option<string?>("--json") { Description = "Also write the results as JSON to this file", HelpName = "path" };
        var threads = new Option<int?>("--threads") { Description = "libtorch intra-op threads (default: libtorch's choice, reported)" };
        var command = new Command("orchestration", "Compare a plain Core loop with the same items run as an embedded Orleans job")
        {
            items, size, steps, inner, warmup, task, json, threads,
        };
        command.SetAction(async (parse, ct) =>
        {
            var n = parse.GetValue(items);
            if (n < 1) throw new ArgumentException($"--items must be at least 1, got {n}");
            if (parse.GetValue(warmup) < 0) throw new ArgumentException($"--warmup must be 0 or more, got {parse.GetValue(warmup)}");
            if (parse.GetValue(threads) is { } t)
            {
                if (t < 1) throw new ArgumentException($"--threads must be at least 1, got {t}");
                torch.set_num_threads(t);
            }

            var definition = Definition(parse.GetValue(task)!, n, parse.GetValue(size), parse.GetValue(steps), parse.GetValue(inner));
            var work = Directory.CreateTempSubdirectory("spgd-bench-orch-").FullName;
            try
            {
                var loop = RunLoop(definition, parse.GetValue(warmup), Path.Combine(work, "loop"), ct);
                var job = await RunJobAsync(definition, parse.GetValue(warmup), Path.Combine(work, "job"), ct);
                var machine = MachineInfo.Capture();
                var ratio = job.Seconds / loop;
                AnsiConsole.Write(BenchReport.KeyValues(
                    $"spgd bench orchestration: {n} items, {definition.Tasks[0].Name}, spectral prior, {definition.Dataset.Size}², T = {definition.Sampler.Steps}, N = {definition.Sampler.Warmup}",
                    [
                        ("plain loop over Core", $"{loop:0.000} s ({loop / n * 1e3:0.0} ms/item)"),
                        ("embedded job (submit → completed)", $"{job.Seconds:0.000} s ({job.Seconds / n * 1e3:0.0} ms/item)"),
                        ("job, submit → last item finished", $"{job.ItemsSeconds:0.000} s"),
                        ("device busy in the job (Σ item run times)", $"{job.DeviceBusySeconds:0.000} s ({job.DeviceBusySeconds / n * 1e3:0.0} ms/item)"),
                        ("device idle in the job (wall − busy)", $"{job.Seconds - job.DeviceBusySeconds:0.000} s"),
                        ("ratio job / loop (target ≤ 1.05)", $"{ratio:0.000}"),
                    ]));
                AnsiConsole.MarkupLine(Markup.Escape(BenchReport.MachineLine(machine)));
                BenchReport.WriteJson(parse.GetValue(json), new JsonObject
                {
                    ["benchmark"] = "orchestration", ["prior"] = "spectral", ["task"] = definition.Tasks[0].Name, ["items"] = n,
                    ["size"] = definition.Dataset.Size, ["steps"] = definition.Sampler.Steps, ["inner"] = definition.Sampler.Warmup,
                    ["warmup_items"] = parse.GetValue(warmup), ["threads"] = machine.TorchThreads, ["slots"] = 1,
                    ["loop_seconds"] = loop, ["job_seconds"] = job.Seconds, ["job_items_seconds"] = job.ItemsSeconds,
                    ["job_succeeded"] = job.Succeeded, ["ratio"] = ratio,
                    ["job_device_busy_seconds"] = job.DeviceBusySeconds, ["job_device_idle_seconds"] = job.Seconds - job.DeviceBusySeconds, ["machine"] = BenchReport.Machine(machine),
                });
                return job.Succeeded == n ? 0 : 1;
            }
            finally
            {
                try { Directory.Delete(work, recursive: true); } catch (IOException) { } // best effort: a temp folder
            }
        });
        return command;
    }

    private static JobDefinition Definition(string task, int items, int size, int steps, int inner) => new()
    {
        Dataset = new DatasetRef { Kind = DatasetKind.SpectralDemo, Count = items, Size = size, Label = "spectral demo" },
        Model = new ModelRef { Kind = "spectral-gaussian" },
        Tasks = [new TaskSettings { Name = task }],
        Sampler = new SamplerParams { Steps = steps, Warmup = inner },
    };

    // What CoreWorkItemRunner does per item (load, restore, clamp, metrics, PNG written), without Orleans.
    private static double RunLoop(JobDefinition d, int warmup, string outDir, CancellationToken ct)
    {
        Directory.CreateDirectory(outDir);
        var task = d.Tasks[0];
        var recipe = Contracts.Recipes.RecipeResolver.Resolve(d, task, null);
        var op = CoreSettings.ToOperator(recipe);
        var sampler = CoreSettings.ToSampler(recipe);
        var restorer = new Restorer(SpectralGaussianPrior.Default, CPU);
        using var metrics = MetricSetMetrics.Create(null, null);
        void RunItem(int i)
        {
            using var scope = NewDisposeScope();
            var imageId = $"demo-{i:D3}";
            var clean = DemoImages.Load(i, d.Dataset.Size);
            using var result = restorer.Restore(new RestorationRequest(clean, op, sampler, ItemSeed.Derive(d.Seed, imageId, task.Name, 0)), ct: ct);
            var restored = result.Restored.clamp(-1, 1);
            metrics.Measure(clean, restored);
            File.WriteAllBytes(Path.Combine(outDir, $"{imageId}.png"), ImageIO.EncodePng(restored));
        }

        for (var i = 0; i < warmup; i++) RunItem(i);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < d.Dataset.Count; i++) RunItem(i);
        return clock.Elapsed.TotalSeconds;
    }

    private sealed record JobTiming(double Seconds, double ItemsSeconds, int Succeeded, double DeviceBusySeconds);

    // The silo `spgd run` hosts: localhost clustering, folder storage, one CPU slot.
    private static async Task<JobTiming> RunJobAsync(JobDefinition d, int warmup, string outDir, CancellationToken ct)
    {
        Directory.CreateDirectory(outDir);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables(); // Spgd__Jobs__* tunes the job grain as in a silo
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.AddSpgdSilo(new SpgdSiloSettings
        {
            Clustering = "localhost", Storage = outDir, Device = "cpu", Slots = 1, SiloPort = FreePort.Next(), GatewayPort = FreePort.Next(),
        });
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            if (warmup > 0)
                await RunOneAsync(client, "bench-warmup", d with { Dataset = d.Dataset with { Count = warmup } }, ct);
            var timed = await RunOneAsync(client, "bench-timed", d, ct);
            return timed with { DeviceBusySeconds = DeviceBusySeconds(outDir, "bench-timed") };
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<JobTiming> RunOneAsync(IClusterClient client, string id, JobDefinition d, CancellationToken ct)
    {
        var job = client.GetGrain<IJobGrain>(id);
        var clock = Stopwatch.StartNew();
        var status = await job.SubmitAsync(d);
        double? last = null;
        while (!status.IsTerminal)
        {
            await Task.Delay(50, ct);
            status = await job.GetStatusAsync();
            if (status.Finished == status.Total) last ??= clock.Elapsed.TotalSeconds;
        }

        var total = clock.Elapsed.TotalSeconds;
        if (status.State == JobState.Failed) throw new InvalidOperationException($"Job {id} failed: {status.Error}");
        return new JobTiming(total, last ?? total, status.Succeeded, 0);
    }

    // The sum of the items' own run times (each item record's "seconds", measured on the device thread): the job's
    // wall time minus this is the time the device waited for orchestration.
    private static double DeviceBusySeconds(string storage, string jobId)
    {
        var folder = Path.Combine(storage, "jobs", jobId, "items");
        if (!Directory.Exists(folder)) return 0;
        var total = 0.0;
        foreach (var file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories))
        {
            using var record = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(file));
            if (record.RootElement.TryGetProperty("seconds", out var seconds)) total += seconds.GetDouble();
        }

        return total;
    }
}
