using System.Globalization;
using System.Text;
using Spgd.Contracts.Results;

namespace Spgd.Grains.Aggregation;

/// <summary>
/// The paper's evaluation layout: one row per method/preset, one column group per task, each group
/// PSNR↑ SSIM↑ LPIPS↓ (mean ± std over the task's succeeded items), labelled with the data set.
/// </summary>
public sealed record EvaluationTable(string Dataset, IReadOnlyList<string> Tasks, IReadOnlyList<EvaluationRow> Rows)
{
    /// <summary>A table with one method row built from the task summaries.</summary>
    public static EvaluationTable Build(string dataset, string method, IReadOnlyList<TaskSummary> summaries) =>
        Build(dataset, [(method, summaries)]);

    /// <summary>
    /// One row per method (grid point of a sweep, or the tasks run by one method), in the given order; columns are
    /// every row's tasks in first-seen order (a row leaves blank the tasks it did not run).
    /// </summary>
    public static EvaluationTable Build(string dataset, IReadOnlyList<(string Method, IReadOnlyList<TaskSummary> Summaries)> rows) =>
        new(dataset, rows.SelectMany(r => r.Summaries).Select(s => s.Task).Distinct().ToList(),
            rows.Select(r => new EvaluationRow(r.Method, r.Summaries
                .Select(s => new EvaluationCell(s.Task, s.Psnr, s.Ssim, s.Lpips, s.Count, s.Succeeded, s.NetworkEvaluationsPerImage)).ToList())).ToList())
        {
            Notes = rows.SelectMany(r => r.Summaries).Where(s => s.BestOf is not null).Select(s => s.Task).Distinct()
                .Select(t => $"{t}: summary.json's statistics take each image's best of {rows.SelectMany(r => r.Summaries).First(s => s.Task == t).BestOf} runs by PSNR (here and in summary.json).")
                .ToList(),
        };

    /// <summary>The digest of the data set manifest the numbers were computed on (<c>summary/manifest.json</c>).</summary>
    public string? ManifestDigest { get; init; }

    /// <summary>Notes that qualify the numbers, e.g. a task's best-of-K rule.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Markdown: a caption with the data set, then a header naming task and metric per column.</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"**{Dataset}**\n\n");
        md.Append("| Method |");
        foreach (var task in Tasks) md.Append(CultureInfo.InvariantCulture, $" {task} PSNR↑ | {task} SSIM↑ | {task} LPIPS↓ | {task} NFE |");
        md.Append("\n|---|");
        foreach (var _ in Tasks) md.Append("---:|---:|---:|---:|");
        md.Append('\n');
        foreach (var row in Rows)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {row.Method} |");
            foreach (var task in Tasks)
            {
                var cell = row.Cells.FirstOrDefault(c => c.Task == task);
                md.Append(CultureInfo.InvariantCulture, $" {Format(cell?.Psnr, "F2")} | {Format(cell?.Ssim, "F3")} | {Format(cell?.Lpips, "F3")} | {(cell?.NetworkEvaluationsPerImage is { } nfe ? nfe.ToString("0.#", CultureInfo.InvariantCulture) : "–")} |");
            }

            md.Append('\n');
        }

        var failures = Rows.SelectMany(r => r.Cells).Where(c => c.Count > c.Succeeded).ToList();
        foreach (var row in Rows)
            foreach (var c in row.Cells.Where(c => c.Count > c.Succeeded))
                md.Append(CultureInfo.InvariantCulture, $"\n{(Rows.Count > 1 ? row.Method + ", " : "")}{c.Task}: {c.Count - c.Succeeded} of {c.Count} items failed.");
        if (failures.Count > 0) md.Append('\n');
        foreach (var note in Notes) md.Append(CultureInfo.InvariantCulture, $"\n{note}\n");
        if (ManifestDigest is not null) md.Append(CultureInfo.InvariantCulture, $"\nData set manifest: `summary/manifest.json`, digest `{ManifestDigest}`.\n");
        return md.ToString();
    }

    private static string Format(MetricStats? stats, string format) =>
        stats is null ? "–"
        : stats.Std is { } std ? $"{stats.Mean.ToString(format, CultureInfo.InvariantCulture)} ± {std.ToString(format, CultureInfo.InvariantCulture)}"
        : stats.Mean.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>One method's row.</summary>
public sealed record EvaluationRow(string Method, IReadOnlyList<EvaluationCell> Cells);

/// <summary>One task's column group in a row; <paramref name="NetworkEvaluationsPerImage"/> is the mean recorded NFE of the succeeded items.</summary>
public sealed record EvaluationCell(string Task, MetricStats? Psnr, MetricStats? Ssim, MetricStats? Lpips, int Count, int Succeeded,
    double? NetworkEvaluationsPerImage = null);
