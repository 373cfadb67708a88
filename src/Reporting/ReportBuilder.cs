using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Spgd.Evaluation.Summaries;
using Spgd.Reporting.Records;
using Spgd.Reporting.Rendering;
using Spgd.Reporting.Tables;

namespace Spgd.Reporting;

/// <summary>
/// Builds a job's evaluation report from its stored per-item results: the table in the paper's layout (rows: methods or
/// grid points; column groups: tasks; PSNR↑ SSIM↑ LPIPS↓ NFE), an image grid per task (ground truth, measurement, one
/// restoration per method), per-step plots (gradient angles, Fig. 2; x̂₀ PSNR/LPIPS, Fig. 6), the job's spec, device
/// and machine facts, and failures. Every number comes from the item records; nothing is recomputed from images.
/// </summary>
public sealed class ReportBuilder(ReportOptions? options = null)
{
    private readonly ReportOptions _options = options ?? new ReportOptions();

    /// <summary>Builds the report's content.</summary>
    public ReportDocument Build(ReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var table = ResultTable.From(input);
        var figures = new List<ReportFigure>();
        foreach (var task in table.Tasks)
        {
            if (Grid(input, table, task) is { } grid) figures.Add(grid);
            if (_options.Plots) figures.AddRange(StepPlots(input, table, task));
        }
        var failures = input.Items.Where(i => i.Failed).OrderBy(i => i.ItemId, StringComparer.Ordinal).ToList();
        return new ReportDocument(input.Job, table, Comparisons(input, table), figures, failures, Environment(input));
    }

    /// <summary>Writes <c>report.md</c>, <c>report.html</c> and <c>figures/*.png</c> into <paramref name="outDir"/>.</summary>
    public ReportFiles Write(ReportInput input, string outDir)
    {
        ArgumentNullException.ThrowIfNull(outDir);
        var document = Build(input);
        var figuresDir = Path.Combine(outDir, "figures");
        Directory.CreateDirectory(figuresDir);
        var figurePaths = new List<string>();
        foreach (var figure in document.Figures)
        {
            var path = Path.Combine(figuresDir, figure.FileName);
            File.WriteAllBytes(path, figure.Png);
            figurePaths.Add(path);
        }
        var markdown = Path.Combine(outDir, "report.md");
        var html = Path.Combine(outDir, "report.html");
        File.WriteAllText(markdown, MarkdownReport.Render(document));
        File.WriteAllText(html, HtmlReport.Render(document));
        return new ReportFiles(markdown, html, figurePaths);
    }

    /// <summary>Every method against the first row, per task, for PSNR, SSIM and (when measured) LPIPS.</summary>
    internal static IReadOnlyList<Comparison> Comparisons(ReportInput input, ResultTable table)
    {
        var comparisons = new List<Comparison>();
        if (table.Methods.Count < 2) return comparisons;
        var baseline = table.Methods[0];
        var metrics = table.HasLpips ? new[] { EvaluationMetric.Psnr, EvaluationMetric.Ssim, EvaluationMetric.Lpips } : [EvaluationMetric.Psnr, EvaluationMetric.Ssim];
        // All rows of one job restore the same images with the same weights: the job stands in for the manifest digest.
        var digest = "job:" + input.Job.JobId;
        MethodRecords Records(string method, string task) => new(method, digest, input.Items.Where(i => i.Method == method && i.Task == task)
            .Select(i => new ItemRecord(i.ItemId, i.ImageId, i.Run, i.Psnr, i.Ssim, i.Lpips, i.Failed ? i.Error ?? "failed" : null)).ToList());
        foreach (var task in table.Tasks)
            foreach (var method in table.Methods.Skip(1))
            {
                if (table.Cell(method, task) is null || table.Cell(baseline, task) is null) continue;
                foreach (var metric in metrics)
                {
                    try
                    {
                        var result = PairedDifference.Compute(metric, Records(method, task), Records(baseline, task),
                            SummaryOptions.Default with { Seed = CellStatistics.BootstrapSeed });
                        comparisons.Add(new Comparison(task, metric.Name(), method, baseline, result, null));
                    }
                    catch (ArgumentException e)
                    {
                        comparisons.Add(new Comparison(task, metric.Name(), method, baseline, null, e.Message));
                    }
                }
            }
        return comparisons;
    }

    private ReportFigure? Grid(ReportInput input, ResultTable table, string task)
    {
        var items = input.Items.Where(i => i.Task == task).ToList();
        var imageIds = items.Select(i => i.ImageId).Distinct().Order(StringComparer.Ordinal).Take(_options.GridImages).ToList();
        byte[]? Png(ItemResult? item, Func<ItemImages, byte[]?> pick) =>
            item is not null && input.Images.TryGetValue(item.ItemId, out var images) ? pick(images) : null;
        ItemResult? First(string imageId, string? method) => items
            .Where(i => i.ImageId == imageId && (method is null || i.Method == method))
            .OrderBy(i => i.Run).ThenBy(i => i.ItemId, StringComparer.Ordinal)
            .FirstOrDefault(i => Png(i, x => method is null ? x.GroundTruth ?? x.Measurement : x.Restored) is not null);

        var rows = new List<(string, IReadOnlyList<byte[]?>)>();
        foreach (var imageId in imageIds)
        {
            var anyItem = First(imageId, null);
            var cells = new List<byte[]?> { Png(anyItem, x => x.GroundTruth), Png(anyItem, x => x.Measurement) };
            cells.AddRange(table.Methods.Select(m => Png(First(imageId, m), x => x.Restored)));
            if (cells.Any(c => c is not null)) rows.Add((imageId, cells));
        }
        if (rows.Count == 0) return null;
        var columns = new List<string> { "Ground truth", "Measurement" };
        columns.AddRange(table.Methods);
        // The caption names the rows and any empty cell, so a reader (or a test) knows what the picture holds.
        var empty = rows.Sum(r => r.Item2.Count(c => c is null));
        // The worker stores the ground truth and measurement PNGs only when the spec's save.measurements is on.
        var unstored = rows.All(r => r.Item2[0] is null && r.Item2[1] is null)
            ? " No ground truth or measurement image was stored (the job ran with save.measurements: false)." : "";
        return new ReportFigure($"grid-{Slug(task)}.png", $"{task}: restorations",
            "Rows: images (first run with a stored restoration); columns: ground truth, measurement y, then each method's restoration. " +
            $"Images: {string.Join(", ", rows.Select(r => r.Item1))}; empty cells: {(empty == 0 ? "none" : empty.ToString(System.Globalization.CultureInfo.InvariantCulture))}." + unstored,
            ImageGridComposer.Compose(columns, rows, _options.CellSize));
    }

    private static IEnumerable<ReportFigure> StepPlots(ReportInput input, ResultTable table, string task)
    {
        var kinds = new (string Key, string Title, string Axis, Func<StepRecord, double?> Value, string Caption)[]
        {
            ("angle-ld", "angle between likelihood and denoising gradients", "∠(g_l, g_d) [degrees]", s => Degrees(s.LikelihoodDenoisingAngle),
                "Per outer step, the angle between the step's likelihood part g_l and denoising part g_d (above 90°: conflict). Mean ± standard deviation over items."),
            ("angle-l", "angle between consecutive likelihood gradients", "∠(g_l(i−1), g_l(i)) [degrees]", s => Degrees(s.LikelihoodTurnAngle),
                "Per outer step, the angle between this and the previous step's likelihood part g_l (fluctuation). Mean ± standard deviation over items."),
            ("angle-d", "angle between consecutive denoising gradients", "∠(g_d(i−1), g_d(i)) [degrees]", s => Degrees(s.DenoisingTurnAngle),
                "Per outer step, the angle between this and the previous step's denoising part g_d. Mean ± standard deviation over items."),
            ("x0hat-psnr", "PSNR of x̂₀ over the steps", "PSNR of x̂₀ [dB]", s => s.X0HatPsnr,
                "PSNR of each outer step's denoised estimate x̂₀ against the clean image. Mean ± standard deviation over items."),
            ("x0hat-lpips", "LPIPS of x̂₀ over the steps", "LPIPS of x̂₀", s => s.X0HatLpips,
                "LPIPS of each outer step's denoised estimate x̂₀ against the clean image. Mean ± standard deviation over items."),
        };
        foreach (var kind in kinds)
        {
            var series = new List<StepSeries>();
            foreach (var method in table.Methods)
            {
                var runs = input.Items.Where(i => i.Task == task && i.Method == method && input.Steps.ContainsKey(i.ItemId))
                    .Select(i => input.Steps[i.ItemId]).ToList();
                if (Series(method, runs, kind.Value) is { } s) series.Add(s);
            }
            if (series.Count == 0) continue;
            yield return new ReportFigure($"{kind.Key}-{Slug(task)}.png", $"{task}: {kind.Title}", kind.Caption,
                LinePlotter.Plot($"{task}: {kind.Title}", "outer step", kind.Axis, series));
        }
    }

    /// <summary>Mean and spread per step over the runs' values; null when no run has any.</summary>
    internal static StepSeries? Series(string name, IReadOnlyList<IReadOnlyList<StepRecord>> runs, Func<StepRecord, double?> value)
    {
        var byStep = runs.SelectMany(r => r).Select(s => (s.Step, Value: value(s)))
            .Where(p => p.Value is { } v && double.IsFinite(v))
            .GroupBy(p => p.Step).OrderBy(g => g.Key).ToList();
        if (byStep.Count == 0) return null;
        var summaries = byStep.Select(g => CellStatistics.Of(g.Select(p => p.Value!.Value))!).ToList();
        return new StepSeries(name, byStep.Select(g => (double)g.Key).ToArray(), summaries.Select(s => s.Mean).ToArray(),
            summaries.Select(s => s.StandardDeviation).ToArray(), summaries.Select(s => s.Count).ToArray());
    }

    private static double? Degrees(double? radians) => radians * 180 / Math.PI;

    private static IReadOnlyList<KeyValuePair<string, string>> Environment(ReportInput input)
    {
        var facts = new List<KeyValuePair<string, string>>();
        foreach (var device in input.Items.Where(i => i.Device is not null).GroupBy(i => i.Device!).OrderBy(g => g.Key, StringComparer.Ordinal))
            facts.Add(new("items on device " + device.Key, device.Count().ToString(CultureInfo.InvariantCulture)));
        var seconds = input.Items.Where(i => i.Seconds is not null).Select(i => i.Seconds!.Value).ToList();
        if (seconds.Count > 0) facts.Add(new("device seconds (sum over items)", seconds.Sum().ToString("0.0", CultureInfo.InvariantCulture)));
        var version = typeof(ReportBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(ReportBuilder).Assembly.GetName().Version?.ToString() ?? "unknown";
        facts.Add(new("report software", "Spgd.Reporting " + version));
        facts.Add(new("report machine", $"{System.Environment.MachineName}, {RuntimeInformation.OSDescription}, {System.Environment.ProcessorCount} CPUs, {RuntimeInformation.FrameworkDescription}"));
        return facts;
    }

    /// <summary>A file-name-safe form of a label.</summary>
    internal static string Slug(string text)
    {
        var chars = text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray();
        return new string(chars);
    }
}
