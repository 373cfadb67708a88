using System.CommandLine;
using Spgd.Client.Cluster;
using Spgd.Storage;

namespace Spgd.Client.Commands;

/// <summary>
/// <c>spgd results JOB --storage DIR|CONNSTR --out DIR</c>: copies a job's results (restored images, item
/// records, summaries, evaluation table) from the cluster's storage to a local folder and prints the table.
/// </summary>
public static class ResultsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var job = new Argument<string>("job") { Description = "Job id" };
        var storage = ClusterCommandOptions.Storage();
        var outDir = new Option<string>("--out") { Description = "Local folder to copy the results into", Required = true };
        var command = new Command("results", "Download a job's results from the cluster's storage") { job, storage, outDir };
        command.SetAction(async (parse, ct) =>
        {
            var jobId = parse.GetValue(job)!;
            var store = BlobStoreFactory.Create(ClusterCommandOptions.RequiredStorageOf(parse, storage));
            var target = Path.GetFullPath(parse.GetValue(outDir)!);
            var copied = await StoredJob.CopyAsync(store, jobId, target, ct);
            if (copied == 0) throw new DirectoryNotFoundException($"no results for job '{jobId}' in {store}");

            Console.WriteLine($"Copied {copied} files of job {jobId} to {target}");
            var table = Path.Combine(target, "summary", "evaluation.md");
            if (File.Exists(table)) Console.WriteLine(await File.ReadAllTextAsync(table, ct));
            return 0;
        });
        return command;
    }
}
