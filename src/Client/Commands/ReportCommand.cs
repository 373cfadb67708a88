using System.CommandLine;
using Spgd.Reporting;
using Spgd.Reporting.Reading;

namespace Spgd.Client.Commands;

/// <summary>
/// <c>spgd report JOB --out DIR</c>: builds a job's evaluation report (Markdown + self-contained HTML + figures) from
/// its stored per-item results. JOB is a job folder (<c>…/jobs/{job}</c>) or a job id under <c>--store</c>.
/// </summary>
public static class ReportCommand
{
    /// <summary>Environment variable naming the default results folder (as for the silo).</summary>
    public const string StorageVariable = "SPGD_STORAGE";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var job = new Argument<string>("JOB") { Description = "Job folder (containing items/) or job id under --store" };
        var store = new Option<string>("--store")
        {
            Description = $"Results folder holding jobs/{{job}}/ (default: ${StorageVariable}, else spgd-out)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(StorageVariable) is { Length: > 0 } s ? s : "spgd-out",
        };
        var output = new Option<string>("--out") { Description = "Folder to write report.md, report.html and figures/ into", Required = true };
        var gridImages = Spgd.Client.Cli.CliOptions.Integer("--grid-images", "Images per task in the restoration grids", 1, 1000, defaultValue: 4);
        var noPlots = new Option<bool>("--no-plots") { Description = "Leave out the per-step plots" };
        var command = new Command("report", "Build a job's evaluation report (tables, image grids, plots) from its stored results")
        {
            job, store, output, gridImages, noPlots,
        };
        command.SetAction(parse =>
        {
            var folder = ResolveJobFolder(parse.GetValue(job)!, parse.GetValue(store)!);
            var grid = parse.GetValue(gridImages);
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
            $"job '{job}' not found: neither {Path.GetFullPath(job)} holds items/ nor does {Path.GetFullPath(underStore)} exist (set --store or ${StorageVariable})");
    }
}
