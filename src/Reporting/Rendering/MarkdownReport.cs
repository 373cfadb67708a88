using System.Globalization;
using System.Text;
using Spgd.Reporting.Tables;

namespace Spgd.Reporting.Rendering;

/// <summary>Renders a <see cref="ReportDocument"/> as Markdown; figures are linked as <c>figures/{file}</c>.</summary>
internal static class MarkdownReport
{
    public static string Render(ReportDocument document)
    {
        var md = new StringBuilder();
        var table = document.Table;
        var metrics = TableMetric.For(table);
        md.AppendLine($"# Evaluation report: job {document.Job.JobId}").AppendLine();
        md.AppendLine("## Results").AppendLine();
        md.AppendLine("Mean over the succeeded items of each cell (from the stored per-item records); NFE is the mean number of network evaluations per succeeded item, s/img its mean device wall time in seconds.").AppendLine();

        var header = new StringBuilder("| Method |");
        var rule = new StringBuilder("|---|");
        foreach (var task in table.Tasks)
        {
            foreach (var metric in metrics) { header.Append($" {Escape(task)} {metric.Header} |"); rule.Append("---:|"); }
            header.Append($" {Escape(task)} NFE | {Escape(task)} s/img |");
            rule.Append("---:|---:|");
        }
        md.AppendLine(header.ToString()).AppendLine(rule.ToString());
        foreach (var method in table.Methods)
        {
            md.Append($"| {Escape(method)} |");
            foreach (var task in table.Tasks)
            {
                var cell = table.Cell(method, task);
                foreach (var metric in metrics)
                {
                    var summary = cell is null ? null : metric.Of(cell);
                    var text = summary is null ? "–" : metric.Text(summary.Mean);
                    md.Append(summary is not null && table.Best(task, metric) == summary.Mean ? $" **{text}** |" : $" {text} |");
                }
                md.Append($" {(cell?.NetworkEvaluations is { } nfe ? nfe.ToString("0.#", CultureInfo.InvariantCulture) : "–")} |");
                md.Append($" {(cell?.SecondsPerImage is { } sec ? sec.ToString("0.##", CultureInfo.InvariantCulture) : "–")} |");
            }
            md.AppendLine();
        }
        md.AppendLine();

        md.AppendLine("### Spread and counts").AppendLine();
        md.AppendLine("Standard deviations over items; 95% intervals of the mean by bootstrap over images (2,000 resamples, runs of an image kept together).").AppendLine();
        md.AppendLine("| Method | Task | Items | Failed | PSNR sd | PSNR 95% CI | SSIM sd | LPIPS sd |").AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var method in table.Methods)
            foreach (var task in table.Tasks)
                if (table.Cell(method, task) is { } c)
                    md.AppendLine($"| {Escape(method)} | {Escape(task)} | {c.Items} | {c.Failed} | {Sd(c.Psnr, "0.00")} | {Interval(c.Psnr)} | {Sd(c.Ssim, "0.000")} | {Sd(c.Lpips, "0.000")} |");
        md.AppendLine();

        if (document.Comparisons.Count > 0)
        {
            md.AppendLine($"### Against {Escape(document.Comparisons[0].Baseline)}").AppendLine();
            md.AppendLine("Paired per image (same images, same seeds): mean of A − baseline over images and its 95% bootstrap interval.").AppendLine();
            md.AppendLine("| Task | Metric | Method | Mean difference | 95% CI | Images |").AppendLine("|---|---|---|---:|---:|---:|");
            foreach (var c in document.Comparisons)
                md.AppendLine(c.Result is { } r
                    ? string.Create(CultureInfo.InvariantCulture, $"| {Escape(c.Task)} | {c.Metric} | {Escape(c.Method)} | {r.MeanDifference:+0.000;-0.000;0.000} | {(r.Ci is { } ci ? $"[{ci.Low:0.000}, {ci.High:0.000}]" : "–")} | {r.Images} |")
                    : $"| {Escape(c.Task)} | {c.Metric} | {Escape(c.Method)} | – | {Escape(c.Problem ?? "")} | – |");
            md.AppendLine();
        }

        if (document.Figures.Count > 0)
        {
            md.AppendLine("## Figures").AppendLine();
            foreach (var figure in document.Figures)
                md.AppendLine($"### {Escape(figure.Title)}").AppendLine().AppendLine(figure.Caption).AppendLine()
                  .AppendLine($"![{Escape(figure.Title)}](figures/{figure.FileName})").AppendLine();
        }

        md.AppendLine("## Failures").AppendLine();
        if (document.Failures.Count == 0) md.AppendLine("None.").AppendLine();
        else
        {
            md.AppendLine("| Item | Method | Reason |").AppendLine("|---|---|---|");
            foreach (var f in document.Failures) md.AppendLine($"| {Escape(f.ItemId)} | {Escape(f.Method)} | {Escape(f.Error ?? "")} |");
            md.AppendLine();
        }

        md.AppendLine("## Environment").AppendLine();
        foreach (var (key, value) in document.Job.Facts.Concat(document.Environment)) md.AppendLine($"- **{Escape(key)}**: {Escape(value)}");
        md.AppendLine();
        md.AppendLine("## Job spec").AppendLine();
        md.AppendLine(document.Job.Spec is null ? "Not stored with the job." : "```\n" + document.Job.Spec.TrimEnd() + "\n```").AppendLine();
        return md.ToString();
    }

    private static string Sd(CellStatistics? s, string format) => s is null ? "–" : s.StandardDeviation.ToString(format, CultureInfo.InvariantCulture);

    private static string Interval(CellStatistics? s) => s?.Interval is { } ci
        ? string.Create(CultureInfo.InvariantCulture, $"[{ci.Low:0.00}, {ci.High:0.00}]") : "–";

    private static string Escape(string text) => text.Replace("|", "\\|").Replace("\n", " ");
}
