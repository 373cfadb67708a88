using System.CommandLine;
using Spgd.Client.Cluster;
using Spgd.Contracts.Jobs;

namespace Spgd.Client.Commands;

/// <summary><c>spgd cancel JOB</c>: ends a job as cancelled: its unfinished items are recorded cancelled, and the job tells the
/// silos running its items to stop them before their next network evaluation (failing that, they stop at their next heartbeat).</summary>
public static class CancelCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var job = new Argument<string>("job") { Description = "Job id" };
        var clustering = ClusterCommandOptions.Clustering();
        var gateway = ClusterCommandOptions.GatewayPort();
        var command = new Command("cancel", "Cancel a job") { job, clustering, gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterClientHost.ConnectAsync(ClusterCommandOptions.ClusteringOf(parse, clustering), gatewayPort: parse.GetValue(gateway), cancellationToken: ct);
            var grain = cluster.Client.GetGrain<IJobGrain>(parse.GetValue(job)!);
            var before = await grain.GetStatusAsync();
            if (before.State == JobState.Unknown) { Console.Error.WriteLine($"No job '{before.JobId}'."); return 1; }
            await grain.CancelAsync();
            var after = await grain.GetStatusAsync();
            Console.WriteLine($"Job {after.JobId}: {after.State} ({after.Succeeded} done, {after.Failed} failed of {after.Total}).");
            return 0;
        });
        return command;
    }
}
