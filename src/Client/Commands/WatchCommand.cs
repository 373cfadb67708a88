using System.CommandLine;
using Spgd.Client.Cli;
using Spgd.Client.Cluster;
using Spgd.Contracts.Jobs;

namespace Spgd.Client.Commands;

/// <summary><c>spgd watch JOB</c>: follows a job of a running cluster until it ends.</summary>
public static class WatchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var job = new Argument<string>("job") { Description = "Job id" };
        var clustering = ClusterCommandOptions.Clustering();
        var gateway = ClusterCommandOptions.GatewayPort();
        var command = new Command("watch", "Follow a job's progress until it ends") { job, clustering, gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterClientHost.ConnectAsync(ClusterCommandOptions.ClusteringOf(parse, clustering), gatewayPort: parse.GetValue(gateway), cancellationToken: ct);
            return await WatchAsync(cluster.Client, parse.GetValue(job)!, ct);
        });
        return command;
    }

    /// <summary>Follows <paramref name="jobId"/>; exit code 0 when it completed, <see cref="CliApp.CompletedWithFailures"/> with failed
    /// items, <see cref="CliApp.Cancelled"/> when cancelled, 1 otherwise.</summary>
    public static async Task<int> WatchAsync(IClusterClient client, string jobId, CancellationToken ct)
    {
        var grain = client.GetGrain<IJobGrain>(jobId);
        if ((await grain.GetStatusAsync()).State == JobState.Unknown)
        {
            CliApp.ReportError($"no job '{jobId}' in this cluster");
            return CliApp.Failure;
        }

        var final = await JobProgressView.FollowAsync(grain, TimeSpan.FromSeconds(1), ct);
        Console.WriteLine($"Job {jobId} ended {final.State}: {final.Succeeded} succeeded, {final.Failed} failed, {final.Retries} retried.");
        if (final.Error is { } error) Console.WriteLine(error);
        return final.State switch
        {
            JobState.Completed => 0, JobState.CompletedWithFailures => CliApp.CompletedWithFailures, JobState.Cancelled => CliApp.Cancelled, _ => CliApp.Failure,
        };
    }
}
