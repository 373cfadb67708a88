using Spgd.Reporting.Records;
using Spgd.Reporting.Tables;

namespace Spgd.Reporting;

/// <summary>A built report, ready to render as Markdown or HTML.</summary>
/// <param name="Job">Job id, spec and recorded facts.</param>
/// <param name="Table">The results table.</param>
/// <param name="Figures">Image grids and plots.</param>
/// <param name="Failures">Failed items.</param>
/// <param name="Environment">Facts about the run's devices (from the items) and the machine that built the report.</param>
/// <param name="Comparisons">Each method against the first row, per task and metric (paired over images).</param>
public sealed record ReportDocument(
    JobFacts Job,
    ResultTable Table,
    IReadOnlyList<Comparison> Comparisons,
    IReadOnlyList<ReportFigure> Figures,
    IReadOnlyList<ItemResult> Failures,
    IReadOnlyList<KeyValuePair<string, string>> Environment);
