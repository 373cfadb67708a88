using System.CommandLine;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spgd.Client.Cluster;
using Spgd.Contracts.Jobs;
using Spgd.Storage;
using Spgd.Silo;

namespace Spgd.Client.Commands;

/// <summary>
/// <c>spgd run [SPEC.yaml]</c>: hosts a one-silo cluster in this process (localhost clustering, CPU device, results
/// under <c>--out</c>), submits one job (a spec file, sweeps included, or the flags), shows its progress and prints the
/// evaluation table. With no spec and no options it runs the built-in demo, which needs nothing downloaded.
/// </summary>
public static class RunCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var flags = new JobFlags();
        var outDir = new Option<string>("--out") { Description = "Results folder", DefaultValueFactory = _ => "spgd-out" };
        var slots = new Option<int>("--slots") { Description = "Concurrent items on the CPU", DefaultValueFactory = _ => 1 };
        var simulate = new Option<int?>("--simulate-ms") { Description = "Simulated device (orchestration check): each item holds a slot this many milliseconds", Hidden = true };
        var specFile = new Argument<string?>("spec") { Description = "Job spec (YAML or JSON); without it the flags describe the job", Arity = ArgumentArity.ZeroOrOne };
        var id = new Option<string?>("--id") { Description = "Job id (default: the spec's job_id, else run-<UTC time>)" };
        var command = new Command("run", "Run a restoration job on this machine (built-in demo without options)") { specFile };
        flags.AddTo(command);
        command.Options.Add(id);
        command.Options.Add(outDir);
        command.Options.Add(slots);
        command.Options.Add(simulate);
        command.SetAction((parse, ct) =>
        {
            var definition = flags.ToDefinition(parse);
            string? specId = null;
            if (parse.GetValue(specFile) is { } path)
            {
                var spec = JobSpecLoader.Load(path);
                JobSpecValidator.ThrowIfInvalid(spec, JobSpecValidationOptions.ForSpecFile(path));
                definition = JobSpecMapper.ToDefinition(spec, Path.GetDirectoryName(Path.GetFullPath(path))) with { SpecText = File.ReadAllText(path) };
                specId = spec.JobId;
            }

            var jobId = parse.GetValue(id) ?? specId ?? $"run-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
            return RunAsync(definition, jobId, Path.GetFullPath(parse.GetValue(outDir)!), parse.GetValue(slots),
                parse.GetValue(simulate) is { } ms ? TimeSpan.FromMilliseconds(ms) : null, ct);
        });
        return command;
    }

    // The folders of the local paths a job reads (data set, checkpoint, config, masks, kernels).
    private static IEnumerable<string> JobFolders(JobDefinition definition)
    {
        if (definition.Dataset.Kind == DatasetKind.Folder && definition.Dataset.Path is { } folder) yield return folder;
        var files = new[] { definition.Model.Checkpoint, definition.Model.Config }
            .Concat(definition.Tasks.SelectMany(t => t.Parameters.Where(p => p.Key is "kernel_path" or "mask_path").Select(p => p.Value)));
        foreach (var file in files.OfType<string>())
            if (Path.IsPathRooted(file) && Path.GetDirectoryName(file) is { Length: > 0 } dir) yield return dir;
    }

    private static async Task<int> RunAsync(JobDefinition definition, string jobId, string outDir, int slots, TimeSpan? simulated, CancellationToken ct)
    {
        Directory.CreateDirectory(outDir);
        var settings = new SpgdSiloSettings
        {
            Clustering = "localhost", Storage = outDir, Device = simulated is null ? "cpu" : "sim", Slots = slots,
            SimulatedServiceTime = simulated,
            SiloPort = FreePort.Next(), GatewayPort = FreePort.Next(),
            // This silo serves this one job: its roots are the folders the job itself names on this machine.
            DataRoots = string.Join(Path.PathSeparator, JobFolders(definition).Append(outDir).Append(Directory.GetCurrentDirectory())),
        };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Orleans' start-up notes (GC mode, watchdog) are noise for a one-shot local run.
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.AddSpgdSilo(settings);
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            var job = host.Services.GetRequiredService<IClusterClient>().GetGrain<IJobGrain>(jobId);
            var submitted = await job.SubmitAsync(definition);
            if (submitted.State == JobState.Failed)
            {
                Console.Error.WriteLine($"Job {jobId} could not start: {submitted.Error}");
                return 1;
            }

            AnsiConsole.MarkupLineInterpolated($"Job [bold]{jobId}[/]: {submitted.Total} items ({definition.Dataset.Label}, {definition.Model.Kind}, tasks {string.Join(", ", definition.Tasks.Select(t => t.Name))})");
            var final = await JobProgressView.FollowAsync(job, TimeSpan.FromMilliseconds(500), ct);
            var store = host.Services.GetRequiredService<IBlobStore>();
            if (await store.GetAsync(ItemKeys.EvaluationMarkdown(jobId), ct) is { } table)
            {
                Console.WriteLine();
                Console.WriteLine(Encoding.UTF8.GetString(table.Content));
            }

            Console.WriteLine($"Job {jobId} ended {final.State}: {final.Succeeded} succeeded, {final.Failed} failed.");
            Console.WriteLine($"Results: {Path.Combine(outDir, "jobs", jobId)} (restored images and per-item JSON under items/, summaries and metrics.csv under summary/)");
            return final.State switch { JobState.Completed => 0, JobState.CompletedWithFailures => 2, _ => 1 };
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
