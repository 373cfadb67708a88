using System.CommandLine;
using Spgd.Client.Cluster;
using Spgd.Contracts.Jobs;
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
            var store = BlobStoreFactory.Create(parse.GetValue(storage)
                ?? throw new ArgumentException("--storage (or SPGD_STORAGE) is needed: the cluster's folder or Azure connection string."));
            var prefix = ItemKeys.JobPrefix(jobId);
            var names = await store.ListAsync(prefix, ct);
            if (names.Count == 0)
            {
                Console.Error.WriteLine($"No results for job '{jobId}' in {store}.");
                return 1;
            }

            var target = Path.GetFullPath(parse.GetValue(outDir)!);
            foreach (var name in names)
            {
                var blob = await store.GetAsync(name, ct);
                if (blob is null) continue; // deleted while listing
                var path = Path.Combine(target, name[prefix.Length..].Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, blob.Content, ct);
            }

            Console.WriteLine($"Copied {names.Count} files of job {jobId} to {target}");
            var table = Path.Combine(target, "summary", "evaluation.md");
            if (File.Exists(table)) Console.WriteLine(await File.ReadAllTextAsync(table, ct));
            return 0;
        });
        return command;
    }
}
