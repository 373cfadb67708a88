using System.CommandLine;
using Spgd.Client.Cluster;
using Spgd.Reporting;
using Spgd.Reporting.Reading;
using Spgd.Storage;

namespace Spgd.Client.Commands;

/// <summary>
/// <c>spgd report JOB --out DIR</c>: builds a job's evaluation report (Markdown + self-contained HTML + figures) from
/// its stored per-item results. JOB is a job folder (<c>…/jobs/{job}</c>) or a job id under <c>--store</c>.
/// </summary>
public static class ReportCommand
{
    /// <summary>Environment variable naming the default storage (as for the silo and <c>submit</c>).</summary>
    public const string StorageVariable = ClusterCommandOptions.StorageVariable;

    /// <summary>The storage read when neither <c>--storage</c> nor <c>$SPGD_STORAGE</c> is set.</summary>
    public const string DefaultStorage = "spgd-out";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var job = new Argument<string>("JOB") { Description = "Job folder (containing items/) or job id under --store" };
        // The same storage option as submit's (a folder or a connection string), read when the command runs.
        var store = ClusterCommandOptions.Storage();
        store.Aliases.Add("--store");
        store.Description = $"Storage holding jobs/{{job}}/: a folder or an Azure storage connection string (default: ${StorageVariable}, else {DefaultStorage})";
        var output = new Option<string>("--out") { Description = "Folder to write report.md, report.html and figures/ into", Required = true };
        var gridImages = Spgd.Client.Cli.CliOptions.Integer("--grid-images", "Images per task in the restoration grids", 1, 1000, defaultValue: 4);
        var noPlots = new Option<bool>("--no-plots") { Description = "Leave out the per-step plots" };
        var command = new Command("report", "Build a job's evaluation report (tables, image grids, plots) from its stored results")
        {
            job, store, output, gridImages, noPlots,
        };
        command.SetAction(async (parse, ct) =>
        {
            var grid = parse.GetValue(gridImages);
            if (grid < 1) throw new ArgumentException($"--grid-images must be >= 1; got {grid}.");
            var jobArgument = parse.GetValue(job)!;
            var storage = ClusterCommandOptions.StorageOf(parse, store) ?? DefaultStorage;
            string? download = null;
            try
            {
                string folder;
                if (Directory.Exists(Path.Combine(jobArgument, "items")) || !ConnectionStrings.IsAzure(storage))
                {
                    folder = ResolveJobFolder(jobArgument, storage);
                }
                else
                {
                    // Blob storage: the job's blobs are read through the store into a scratch folder the reader understands.
                    download = Directory.CreateTempSubdirectory("spgd-report-").FullName;
                    folder = Path.Combine(download, jobArgument);
                    var blobs = BlobStoreFactory.Create(storage);
                    if (await StoredJob.CopyAsync(blobs, jobArgument, folder, ct) == 0)
                        throw new DirectoryNotFoundException($"job '{jobArgument}' not found: {blobs} holds nothing under jobs/{jobArgument}/");
                }

                var input = JobResultsReader.Read(folder);
                var files = new ReportBuilder(new ReportOptions { GridImages = grid, Plots = !parse.GetValue(noPlots) })
                    .Write(input, Path.GetFullPath(parse.GetValue(output)!));
                var missing = input.Items.Where(i => i.Error == JobResultsReader.MissingRecord).Select(i => i.ItemId).ToList();
                var unreadable = input.Items.Where(i => i.Error?.StartsWith(JobResultsReader.UnreadableRecord, StringComparison.Ordinal) == true).ToList();
                Console.Out.WriteLine($"{input.Items.Count} items ({input.Items.Count(i => i.Failed)} failed, of which {missing.Count} missing and {unreadable.Count} unreadable), " +
                                      $"{input.Methods().Count} methods, {input.Tasks().Count} tasks");
                if (missing.Count > 0) Console.Out.WriteLine($"missing (expected by the manifest, no record): {Listed(missing)}");
                foreach (var item in unreadable) Console.Out.WriteLine($"unreadable: {item.ItemId}: {item.Error}");
                Console.Out.WriteLine(files.Markdown);
                Console.Out.WriteLine(files.Html);
                return 0;
            }
            finally
            {
                if (download is not null) Directory.Delete(download, recursive: true);
            }
        });
        return command;
    }

    private static string Listed(IReadOnlyList<string> ids) =>
        string.Join(", ", ids.Take(10)) + (ids.Count > 10 ? $" and {ids.Count - 10} more" : "");

    /// <summary>The job folder: <paramref name="job"/> itself when it holds <c>items/</c>, else <c>{store}/jobs/{job}</c>.</summary>
    /// <exception cref="DirectoryNotFoundException">Neither exists; the message names both places looked at.</exception>
    public static string ResolveJobFolder(string job, string store)
    {
        if (Directory.Exists(Path.Combine(job, "items"))) return Path.GetFullPath(job);
        var underStore = Path.Combine(store, "jobs", job);
        if (Directory.Exists(underStore)) return Path.GetFullPath(underStore);
        throw new DirectoryNotFoundException(
            $"job '{job}' not found: neither {Path.GetFullPath(job)} holds items/ nor does {Path.GetFullPath(underStore)} exist (set --storage or ${StorageVariable})");
    }
}
