using System.CommandLine;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Spgd.Client.Cli;
using Spgd.Client.Cluster;
using Spgd.Contracts.Jobs;
using Spgd.Grains.Jobs;
using Spgd.Storage;
using Spgd.Silo;

namespace Spgd.Client.Commands;

/// <summary>
/// <c>spgd run [SPEC.yaml]</c>: hosts a one-silo cluster in this process (localhost clustering, CPU device, results
/// under <c>--out</c>), submits one job (a spec file, sweeps included, or the flags), shows its progress and prints the
/// evaluation table. With no spec and no options it runs the built-in demo, which needs nothing downloaded.
/// The job id stays bound to its spec and data: running it again resumes it, a different spec is refused unless
/// <c>--replace</c>. The first Ctrl+C (or SIGTERM) stops the run keeping what finished (exit 130); a second exits at once.
/// </summary>
public static class RunCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var flags = new JobFlags();
        var outDir = new Option<string>("--out") { Description = "Results folder", DefaultValueFactory = _ => "spgd-out" };
        var slots = CliOptions.Integer("--slots", $"Concurrent items on the CPU, at most its {Environment.ProcessorCount} cores", 1, Environment.ProcessorCount, defaultValue: 1);
        var simulate = CliOptions.OptionalInteger("--simulate-ms", "Simulated device (orchestration check): each item holds a slot this many milliseconds", 0, 3_600_000);
        simulate.Hidden = true;
        var uninterruptible = new Option<bool>("--simulate-uninterruptible") { Description = "The simulated device ignores cancellation (interrupt checks)", Hidden = true };
        var specFile = CliOptions.SpecFile();
        var id = new Option<string?>("--id") { Description = "Job id (default: the spec's job_id, else run-<UTC time>); running an id again resumes it" };
        var replace = new Option<bool>("--replace") { Description = "Start the job id afresh although its stored spec or data differ (the old results are moved to jobs/<id>.replaced-<UTC time>/)" };
        var command = new Command("run", "Run a restoration job on this machine (built-in demo without options)") { specFile };
        flags.AddTo(command);
        command.Options.Add(id);
        command.Options.Add(replace);
        command.Options.Add(outDir);
        command.Options.Add(slots);
        command.Options.Add(simulate);
        command.Options.Add(uninterruptible);
        command.SetAction((parse, _) =>
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
            JobIds.ThrowIfInvalid(jobId); // before a silo starts or a folder is made
            return RunAsync(definition, jobId, Path.GetFullPath(parse.GetValue(outDir)!), parse.GetValue(slots),
                parse.GetValue(simulate) is { } ms ? TimeSpan.FromMilliseconds(ms) : null, parse.GetValue(uninterruptible), parse.GetValue(replace));
        });
        return CliApp.HandlesOwnInterrupts(command);
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

    private static async Task<int> RunAsync(JobDefinition definition, string jobId, string outDir, int slots, TimeSpan? simulated, bool uninterruptible, bool replace)
    {
        using var interrupts = Interrupts.Listen();
        interrupts.StoppingNote = "stopping: the job's queued and running items are cancelled, finished ones are kept (interrupt again to exit at once)";
        var ct = interrupts.Token;
        Directory.CreateDirectory(outDir);
        var settings = new SpgdSiloSettings
        {
            Clustering = "localhost", Storage = outDir, Device = simulated is null ? "cpu" : "sim", Slots = slots,
            SimulatedServiceTime = simulated, SimulatedUninterruptible = uninterruptible,
            SiloPort = FreePort.Next(), GatewayPort = FreePort.Next(),
            // This silo serves this one job: its roots are the folders the job itself names on this machine.
            DataRoots = string.Join(Path.PathSeparator, JobFolders(definition).Append(outDir).Append(Directory.GetCurrentDirectory())),
        };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Orleans' start-up notes (GC mode, watchdog) are noise for a one-shot local run. Warnings go to stdout: stderr
        // carries only the one error line.
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        if (Environment.GetEnvironmentVariable("SPGD_DEBUG") is "1" or "true")
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.None);
        else
            builder.Logging.AddConsole(o => { o.LogToStandardErrorThreshold = LogLevel.None; o.FormatterName = OneLineLogFormatter.FormatterName; })
                .AddConsoleFormatter<OneLineLogFormatter, ConsoleFormatterOptions>();
        // A cancelled job tells its workers at once; their heartbeat answer is the fallback. In one process heartbeats are
        // cheap, so even the fallback reaches a running item within a second (then within one network evaluation).
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Spgd:Device:HeartbeatInterval"] = "00:00:01" });
        builder.Configuration.AddEnvironmentVariables(); // Spgd__Jobs__*, Spgd__Device__* tune the silo as any other (docs/cluster.md)
        builder.AddSpgdSilo(settings);
        builder.Services.AddSingleton<IHostLifetime, SilentHostLifetime>();
        // An interrupted run lets running items finish (they are saved); a second interrupt exits at once.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(10));
        using var host = builder.Build();
        await host.StartAsync(ct);
        var results = Path.Combine(outDir, "jobs", jobId);
        var stopped = false;
        try
        {
            var job = host.Services.GetRequiredService<IClusterClient>().GetGrain<IJobGrain>(jobId);
            var prior = await job.GetStatusAsync();
            JobStatus submitted;
            if (replace && prior.State != JobState.Unknown)
            {
                // Only this process's silo can hold the items of a job left running by an earlier `spgd run`.
                if (prior.State == JobState.Running) await job.CancelAsync();
                submitted = await job.ReplaceAsync(definition);
            }
            else
            {
                submitted = await job.SubmitAsync(definition);
            }

            if (submitted is { State: JobState.Failed, Total: 0 })
            {
                CliApp.ReportError($"job {jobId} could not start: {submitted.Error}");
                return CliApp.Failure;
            }

            if (prior.State != JobState.Unknown && replace)
                Console.WriteLine($"replacing job {jobId}: its earlier results were moved to {MovedAside(outDir, jobId)}");
            else if (prior.State != JobState.Unknown)
                Console.WriteLine($"resuming job {jobId}: {submitted.Finished} of {submitted.Total} items already done");
            AnsiConsole.MarkupLineInterpolated($"Job [bold]{jobId}[/]: {submitted.Total} items ({definition.Dataset.Label}, {definition.Model.Kind}, tasks {string.Join(", ", definition.Tasks.Select(t => t.Name))})");
            if (!replace && prior is { State: JobState.Running, InFlight: > 0 })
            {
                var lease = host.Services.GetRequiredService<IOptions<JobOptions>>().Value.LeaseTimeout;
                Console.WriteLine($"waiting for the leases of a previous run: {prior.InFlight} item(s) were in flight when it stopped; " +
                                  $"they run again once their leases expire (at most {lease.TotalSeconds:0} s)");
            }

            JobStatus final;
            try
            {
                final = await JobProgressView.FollowAsync(job, TimeSpan.FromMilliseconds(500), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Cancelling stops dispatch, marks the unfinished items cancelled (a rerun resumes them) and writes the partial
                // reports; running items stop before their next network evaluation, and the silo's stop waits for them.
                await job.CancelAsync();
                var kept = await job.GetStatusAsync();
                await host.StopAsync(CancellationToken.None);
                stopped = true;
                CliApp.ReportError($"interrupted ({interrupts.Signal}): {kept.Finished} of {kept.Total} items done, results in {results}; " +
                                   "run the same command again to resume");
                return CliApp.Cancelled;
            }

            var store = host.Services.GetRequiredService<IBlobStore>();
            if (await store.GetAsync(ItemKeys.EvaluationMarkdown(jobId), CancellationToken.None) is { } table)
            {
                Console.WriteLine();
                Console.WriteLine(Encoding.UTF8.GetString(table.Content));
            }

            var reasons = final.Failed == 0 ? [] : await FailureReasonsAsync(job, store, jobId);
            if (reasons.Count > 0) Console.WriteLine($"Failed items by reason: {FailureReasons.Describe(reasons)}");
            Console.WriteLine($"Job {jobId} ended {final.State}: {final.Succeeded} succeeded, {final.Failed} failed.");
            Console.WriteLine($"Results: {results} (restored images and per-item JSON under items/, summaries and metrics.csv under summary/)");
            switch (final.State)
            {
                case JobState.Completed:
                    return 0;
                case JobState.CompletedWithFailures:
                    CliApp.ReportError($"{final.Failed} of {final.Total} items failed: {FailureReasons.Describe(reasons)}");
                    return CliApp.CompletedWithFailures;
                case JobState.Cancelled:
                    CliApp.ReportError($"job {jobId} was cancelled: {final.Finished} of {final.Total} items finished");
                    return CliApp.Cancelled;
                default:
                    CliApp.ReportError($"job {jobId} failed: {(reasons.Count > 0 ? $"every item failed: {FailureReasons.Describe(reasons)}" : final.Error)}");
                    return CliApp.Failure;
            }
        }
        finally
        {
            if (!stopped) await host.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<IReadOnlyList<(string Reason, int Count)>> FailureReasonsAsync(IJobGrain job, IBlobStore store, string jobId)
    {
        var failed = (await job.GetItemsAsync()).Where(i => i.State == ItemState.Failed).ToList();
        var records = new List<byte[]?>(failed.Count);
        foreach (var item in failed) records.Add((await store.GetAsync(ItemKeys.ItemJson(jobId, item.ItemId), CancellationToken.None))?.Content);
        return FailureReasons.Count(records);
    }

    // The newest jobs/{id}.replaced-* folder.
    private static string MovedAside(string outDir, string jobId)
    {
        var jobs = Path.Combine(outDir, "jobs");
        return Directory.GetDirectories(jobs, $"{jobId}.replaced-*").Order(StringComparer.Ordinal).LastOrDefault() ?? "(nothing stored)";
    }
}
