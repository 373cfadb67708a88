using System.CommandLine;
using Spectre.Console;
using Spgd.Client.Cluster;
using Spgd.Contracts.Jobs;

namespace Spgd.Client.Commands;

/// <summary><c>spgd jobs</c>: lists the jobs of a cluster with their progress.</summary>
public static class JobsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var clustering = ClusterCommandOptions.Clustering();
        var gateway = ClusterCommandOptions.GatewayPort();
        var command = new Command("jobs", "List the cluster's jobs") { clustering, gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterClientHost.ConnectAsync(ClusterCommandOptions.ClusteringOf(parse, clustering), gatewayPort: parse.GetValue(gateway), cancellationToken: ct);
            var table = new Table().AddColumns("Job", "State", "Done", "Failed", "Total", "Data set", "Submitted (UTC)");
            table.Columns[0].NoWrap(); // ids are copied into other commands
            foreach (var id in await cluster.Client.GetGrain<IJobIndexGrain>(0).ListAsync())
            {
                var s = await cluster.Client.GetGrain<IJobGrain>(id).GetStatusAsync();
                table.AddRow(Markup.Escape(id), s.State.ToString(), s.Succeeded.ToString(), s.Failed.ToString(), s.Total.ToString(),
                    Markup.Escape(s.Dataset), s.SubmittedAt.ToString("yyyy-MM-dd HH:mm:ss"));
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
