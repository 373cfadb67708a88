using System.Globalization;
using System.Net;
using System.Text;
using Spgd.Reporting.Tables;

namespace Spgd.Reporting.Rendering;

/// <summary>
/// Renders a <see cref="ReportDocument"/> as one self-contained HTML file: inline CSS, figures embedded as
/// <c>data:</c> URIs, no scripts and no external references, so it opens offline.
/// </summary>
internal static class HtmlReport
{
    private const string Style = """
        body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 24px; color: #222; max-width: 1340px; }
        h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #ccc; } h3 { font-size: 15px; }
        table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
        th, td { border: 1px solid #bbb; padding: 4px 8px; }
        th { background: #f0f0f0; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.best { font-weight: bold; } td.method { white-space: nowrap; }
        figure { margin: 12px 0 24px; } figcaption { font-size: 12px; color: #555; max-width: 900px; }
        img { max-width: 100%; border: 1px solid #ddd; }
        pre { background: #f7f7f7; padding: 10px; font-size: 12px; overflow-x: auto; }
        """;

    public static string Render(ReportDocument document)
    {
        var html = new StringBuilder();
        var table = document.Table;
        var metrics = TableMetric.For(table);
        html.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .AppendLine($"<title>Evaluation report: job {E(document.Job.JobId)}</title>")
            .AppendLine($"<style>{Style}</style></head><body>")
            .AppendLine($"<h1>Evaluation report: job {E(document.Job.JobId)}</h1>");

        html.AppendLine("<h2>Results</h2>")
            .AppendLine("<p>Mean over the succeeded items of each cell (from the stored per-item records; hover a value for its standard deviation and count). NFE: mean network evaluations per succeeded item; s/img: its mean device wall time in seconds. Best mean per column in bold.</p>");
        html.AppendLine("<table id=\"results\"><thead><tr><th rowspan=\"2\">Method</th>");
        foreach (var task in table.Tasks) html.Append($"<th colspan=\"{metrics.Count + 2}\">{E(task)}</th>");
        html.AppendLine("</tr><tr>");
        foreach (var _ in table.Tasks)
        {
            foreach (var metric in metrics) html.Append($"<th>{E(metric.Header)}</th>");
            html.Append("<th>NFE</th><th>s/img</th>");
        }
        html.AppendLine("</tr></thead><tbody>");
        foreach (var method in table.Methods)
        {
            html.Append($"<tr><td class=\"method\">{E(method)}</td>");
            foreach (var task in table.Tasks)
            {
                var cell = table.Cell(method, task);
                foreach (var metric in metrics)
                {
                    var summary = cell is null ? null : metric.Of(cell);
                    if (summary is null) { html.Append("<td class=\"num\">–</td>"); continue; }
                    var best = table.Best(task, metric) == summary.Mean ? " best" : "";
                    var interval = summary.Interval is { } ci ? $", 95% CI [{metric.Text(ci.Low)}, {metric.Text(ci.High)}]" : "";
                    var tip = string.Create(CultureInfo.InvariantCulture, $"± {metric.Text(summary.StandardDeviation)} (sd), n = {summary.Count}{interval}");
                    html.Append($"<td class=\"num{best}\" title=\"{E(tip)}\">{metric.Text(summary.Mean)}</td>");
                }
                html.Append($"<td class=\"num\">{(cell?.NetworkEvaluations is { } nfe ? nfe.ToString("0.#", CultureInfo.InvariantCulture) : "–")}</td>");
                html.Append($"<td class=\"num\">{(cell?.SecondsPerImage is { } sec ? sec.ToString("0.##", CultureInfo.InvariantCulture) : "–")}</td>");
            }
            html.AppendLine("</tr>");
        }
        html.AppendLine("</tbody></table>");

        html.AppendLine("<h3>Counts</h3><table><thead><tr><th>Method</th><th>Task</th><th>Items</th><th>Failed</th></tr></thead><tbody>");
        foreach (var method in table.Methods)
            foreach (var task in table.Tasks)
                if (table.Cell(method, task) is { } c)
                    html.AppendLine($"<tr><td>{E(method)}</td><td>{E(task)}</td><td class=\"num\">{c.Items}</td><td class=\"num\">{c.Failed}</td></tr>");
        html.AppendLine("</tbody></table>");

        if (document.Comparisons.Count > 0)
        {
            html.AppendLine($"<h3>Against {E(document.Comparisons[0].Baseline)}</h3>")
                .AppendLine("<p>Paired per image (same images, same seeds): mean of method − baseline over images and its 95% bootstrap interval.</p>")
                .AppendLine("<table id=\"comparisons\"><thead><tr><th>Task</th><th>Metric</th><th>Method</th><th>Mean difference</th><th>95% CI</th><th>Images</th></tr></thead><tbody>");
            foreach (var c in document.Comparisons)
                html.AppendLine(c.Result is { } r
                    ? string.Create(CultureInfo.InvariantCulture, $"<tr><td>{E(c.Task)}</td><td>{c.Metric}</td><td>{E(c.Method)}</td><td class=\"num\">{r.MeanDifference:+0.000;-0.000;0.000}</td><td class=\"num\">{(r.Ci is { } ci ? $"[{ci.Low:0.000}, {ci.High:0.000}]" : "–")}</td><td class=\"num\">{r.Images}</td></tr>")
                    : $"<tr><td>{E(c.Task)}</td><td>{c.Metric}</td><td>{E(c.Method)}</td><td>–</td><td>{E(c.Problem ?? "")}</td><td>–</td></tr>");
            html.AppendLine("</tbody></table>");
        }

        if (document.Figures.Count > 0)
        {
            html.AppendLine("<h2>Figures</h2>");
            foreach (var figure in document.Figures)
                html.AppendLine($"<figure><h3>{E(figure.Title)}</h3><img alt=\"{E(figure.Title)}\" src=\"data:image/png;base64,{Convert.ToBase64String(figure.Png)}\">")
                    .AppendLine($"<figcaption>{E(figure.Caption)}</figcaption></figure>");
        }

        html.AppendLine("<h2>Failures</h2>");
        if (document.Failures.Count == 0) html.AppendLine("<p>None.</p>");
        else
        {
            html.AppendLine("<table><thead><tr><th>Item</th><th>Method</th><th>Reason</th></tr></thead><tbody>");
            foreach (var f in document.Failures) html.AppendLine($"<tr><td>{E(f.ItemId)}</td><td>{E(f.Method)}</td><td>{E(f.Error ?? "")}</td></tr>");
            html.AppendLine("</tbody></table>");
        }

        html.AppendLine("<h2>Environment</h2><table><tbody>");
        foreach (var (key, value) in document.Job.Facts.Concat(document.Environment)) html.AppendLine($"<tr><th>{E(key)}</th><td>{E(value)}</td></tr>");
        html.AppendLine("</tbody></table>");
        html.AppendLine("<h2>Job spec</h2>").AppendLine(document.Job.Spec is null ? "<p>Not stored with the job.</p>" : $"<pre>{E(document.Job.Spec)}</pre>");
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
