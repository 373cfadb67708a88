using Spgd.Reporting.Records;

namespace Spgd.Reporting.Tables;

/// <summary>
/// The paper's table layout: rows are methods (grid points), column groups are tasks, and each group has PSNR↑,
/// SSIM↑, LPIPS↓ and NFE. Built from item records only.
/// </summary>
public sealed class ResultTable
{
    private readonly Dictionary<(string Method, string Task), ResultCell> _cells;

    private ResultTable(IReadOnlyList<string> methods, IReadOnlyList<string> tasks, Dictionary<(string, string), ResultCell> cells)
    {
        Methods = methods;
        Tasks = tasks;
        _cells = cells;
    }

    /// <summary>Row labels in order.</summary>
    public IReadOnlyList<string> Methods { get; }

    /// <summary>Column groups in order.</summary>
    public IReadOnlyList<string> Tasks { get; }

    /// <summary>Whether any succeeded item carries LPIPS (otherwise the column is left out).</summary>
    public bool HasLpips => _cells.Values.Any(c => c.Lpips is not null);

    /// <summary>The cell of (method, task), or null when no item ran there.</summary>
    public ResultCell? Cell(string method, string task) => _cells.GetValueOrDefault((method, task));

    /// <summary>Summarises <paramref name="input"/>'s items per (method, task).</summary>
    public static ResultTable From(ReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cells = new Dictionary<(string, string), ResultCell>();
        foreach (var group in input.Items.GroupBy(i => (i.Method, i.Task)))
        {
            var items = group.ToList();
            var ok = items.Where(i => !i.Failed).ToList();
            cells[group.Key] = new ResultCell(group.Key.Method, group.Key.Task, items.Count, items.Count - ok.Count,
                CellStatistics.OfImages(ok.Select(i => (i.ImageId, i.Psnr!.Value))),
                CellStatistics.OfImages(ok.Where(i => i.Ssim is not null).Select(i => (i.ImageId, i.Ssim!.Value))),
                CellStatistics.OfImages(ok.Where(i => i.Lpips is not null).Select(i => (i.ImageId, i.Lpips!.Value))),
                // A failed item may have stopped early: the compute of a row is what its succeeded items used.
                (ok.Count > 0 ? ok : items).Average(i => (double)i.NetworkEvaluations),
                ok.Where(i => i.Seconds is not null).Select(i => i.Seconds!.Value).DefaultIfEmpty(double.NaN).Average() is var s && !double.IsNaN(s) ? s : null);
        }
        return new ResultTable(input.Methods(), input.Tasks(), cells);
    }

    /// <summary>The best mean of a metric in a task's column (max for PSNR/SSIM, min for LPIPS), or null.</summary>
    public double? Best(string task, TableMetric metric)
    {
        var means = Methods.Select(m => Cell(m, task)).Select(c => c is null ? null : metric.Of(c)?.Mean).OfType<double>().ToList();
        if (means.Count == 0) return null;
        return metric.HigherIsBetter ? means.Max() : means.Min();
    }
}
