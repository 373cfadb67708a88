using System.CommandLine;
using Spgd.Client.Cli;
using Spgd.Client.Cluster;
using Spgd.Contracts.Jobs;

namespace Spgd.Client.Commands;

/// <summary>
/// <c>spgd submit [SPEC.yaml|SPEC.json]</c>: submits a job described by a spec file (validated here) or by
/// flags to a running cluster and prints its id (with <c>--watch</c>, follows it to the end). Paths must be
/// valid on the silos.
/// </summary>
public static class SubmitCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var flags = new JobFlags();
        var specFile = CliOptions.SpecFile();
        var id = new Option<string?>("--id") { Description = "Job id (default: job-<UTC time>)" };
        var watch = new Option<bool>("--watch") { Description = "Follow the job until it ends" };
        var replace = new Option<bool>("--replace") { Description = "Start the job id afresh although its stored spec or data differ (the old results are moved to jobs/<id>.replaced-<UTC time>/; a running job must be cancelled first)" };
        var clustering = ClusterCommandOptions.Clustering();
        var storage = ClusterCommandOptions.Storage();
        var gateway = ClusterCommandOptions.GatewayPort();
        var command = new Command("submit", "Submit a job to a running cluster") { specFile };
        flags.AddTo(command);
        foreach (var o in new Option[] { id, watch, replace, clustering, storage, gateway }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            JobDefinition definition;
            string? specId = null;
            if (parse.GetValue(specFile) is { } path)
            {
                var spec = JobSpecLoader.Load(path);
                JobSpecValidator.ThrowIfInvalid(spec, JobSpecValidationOptions.ForSpecFile(path));
                definition = JobSpecMapper.ToDefinition(spec, Path.GetDirectoryName(Path.GetFullPath(path))) with { SpecText = File.ReadAllText(path) };
                specId = spec.JobId;
            }
            else
            {
                definition = flags.ToDefinition(parse);
            }

            if (ClusterCommandOptions.StorageOf(parse, storage) is { } storageSetting)
                await BlobDatasetCheck.ThrowIfEmptyAsync(storageSetting, definition.Dataset, ct);
            var jobId = parse.GetValue(id) ?? specId ?? $"job-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
            await using var cluster = await ClusterClientHost.ConnectAsync(ClusterCommandOptions.ClusteringOf(parse, clustering), gatewayPort: parse.GetValue(gateway), cancellationToken: ct);
            var job = cluster.Client.GetGrain<IJobGrain>(jobId);
            var prior = await job.GetStatusAsync();
            var status = parse.GetValue(replace) && prior.State != JobState.Unknown ? await job.ReplaceAsync(definition) : await job.SubmitAsync(definition);
            if (status is { State: JobState.Failed, Total: 0 })
            {
                CliApp.ReportError($"job {jobId} could not start: {status.Error}");
                return CliApp.Failure;
            }

            Console.WriteLine(prior.State == JobState.Unknown || parse.GetValue(replace)
                ? $"Submitted {jobId}: {status.Total} items."
                : $"resuming job {jobId}: {status.Finished} of {status.Total} items already done");
            return parse.GetValue(watch) ? await WatchCommand.WatchAsync(cluster.Client, jobId, ct) : 0;
        });
        return command;
    }
}
