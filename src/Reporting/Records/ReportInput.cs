namespace Spgd.Reporting.Records;

/// <summary>Everything a report is built from, as read from a job's stored results.</summary>
/// <param name="Job">Job id, spec and facts.</param>
/// <param name="Items">Every item record.</param>
/// <param name="Steps">Per-step records by item id (items without any are absent).</param>
/// <param name="Images">Stored PNGs by item id.</param>
/// <param name="MethodOrder">Row order of the methods (e.g. the sweep's grid order); methods not listed follow in ordinal order.</param>
public sealed record ReportInput(
    JobFacts Job,
    IReadOnlyList<ItemResult> Items,
    IReadOnlyDictionary<string, IReadOnlyList<StepRecord>> Steps,
    IReadOnlyDictionary<string, ItemImages> Images,
    IReadOnlyList<string>? MethodOrder = null)
{
    /// <summary>The methods in row order.</summary>
    public IReadOnlyList<string> Methods()
    {
        var present = Items.Select(i => i.Method).Distinct().ToList();
        var ordered = (MethodOrder ?? []).Where(present.Contains).Distinct().ToList();
        ordered.AddRange(present.Where(m => !ordered.Contains(m)).Order(StringComparer.Ordinal));
        return ordered;
    }

    /// <summary>The tasks in ordinal order.</summary>
    public IReadOnlyList<string> Tasks() => Items.Select(i => i.Task).Distinct().Order(StringComparer.Ordinal).ToList();
}
