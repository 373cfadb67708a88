namespace Spgd.Reporting;

/// <summary>What <see cref="ReportBuilder.Write"/> wrote.</summary>
/// <param name="Markdown">Path of <c>report.md</c>.</param>
/// <param name="Html">Path of the self-contained <c>report.html</c>.</param>
/// <param name="Figures">Paths of the figure PNGs (referenced by the Markdown).</param>
public sealed record ReportFiles(string Markdown, string Html, IReadOnlyList<string> Figures);
