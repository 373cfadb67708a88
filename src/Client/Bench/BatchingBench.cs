using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spgd.Core.Benchmarks;
using Spgd.Core.Models;

namespace Spgd.Client.Bench;

/// <summary>
/// <c>spgd bench batching</c>: what running same-shaped items as one batch gives. Times the UNet's evaluation with the
/// gradient at each batch size and converts it to restored images per minute (T·N evaluations per image), with the
/// FLOP model's accelerator projection beside it.
/// </summary>
public static class BatchingBench
{
    /// <summary>Builds the sub-command.</summary>
    public static Command Create()
    {
        var shared = new BenchOptions();
        var (preset, config) = BenchOptions.ModelOptions();
        var batches = new Option<string>("--batches") { Description = "Comma-separated batch sizes, ascending", DefaultValueFactory = _ => "1,2,4" };
        var size = new Option<int?>("--size") { Description = "Image side (default: the model's image size)" };
        var steps = new Option<int>("--steps") { Description = "T of the restoration the images/min refer to", DefaultValueFactory = _ => 100 };
        var inner = new Option<int>("--inner") { Description = "N of the restoration the images/min refer to", DefaultValueFactory = _ => 5 };
        var endToEnd = new Option<bool>("--end-to-end")
        {
            Description = "Instead: run demo items (spectral prior) as a job through an in-process silo's device executor with batching on, " +
                          "once per batch size, and report items/min (--size defaults to 64)",
        };
        var items = new Option<int>("--items") { Description = "--end-to-end: timed items per batch size", DefaultValueFactory = _ => 24 };
        var task = new Option<string>("--task") { Description = "--end-to-end: task of every item", DefaultValueFactory = _ => "inpainting_random" };
        var command = new Command("batching",
            "Time one network evaluation with the gradient at each batch size and report images/min at T·N evaluations per image " +
            "(random weights; peak RSS is the process's VmHWM, so it includes the smaller batches run before)")
        { preset, config, batches, size, steps, inner, endToEnd, items, task };
        shared.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            shared.Apply(parse);
            var list = ParseBatches(parse.GetValue(batches)!);
            if (parse.GetValue(steps) < 1 || parse.GetValue(inner) < 1)
                throw new ArgumentException($"--steps and --inner must be at least 1, got {parse.GetValue(steps)} and {parse.GetValue(inner)}");
            if (parse.GetValue(endToEnd))
            {
                if (parse.GetValue(items) < 1) throw new ArgumentException($"--items must be at least 1, got {parse.GetValue(items)}");
                return await RunEndToEndAsync(list, parse.GetValue(items), parse.GetValue(size) ?? 64, parse.GetValue(steps), parse.GetValue(inner),
                    parse.GetValue(task)!, parse.GetValue(shared.Warmup), parse.GetValue(shared.Repeats), parse.GetValue(shared.Json), ct);
            }
            var (name, cfg) = BenchOptions.ResolveModel(parse, preset, config);
            var options = new BatchingBenchmarkOptions(name, cfg, list, parse.GetValue(size), parse.GetValue(shared.Repeats), parse.GetValue(shared.Warmup),
                parse.GetValue(shared.Seed), parse.GetValue(steps) * parse.GetValue(inner));
            var started = DateTimeOffset.UtcNow;
            var before = MachineInfo.Capture();
            var points = BatchingBenchmark.Run(options);
            var after = MachineInfo.Capture();
            Print(options, points, parse.GetValue(steps), parse.GetValue(inner), before, after);
            BenchReport.WriteJson(parse.GetValue(shared.Json), ToJson(options, points, parse.GetValue(steps), parse.GetValue(inner), started, before, after));
            return 0;
        });
        return command;
    }

    private static async Task<int> RunEndToEndAsync(IReadOnlyList<int> batches, int items, int size, int steps, int inner, string task, int warmup,
        int repeats, string? jsonPath, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var before = MachineInfo.Capture();
        // Warm-up items run untimed on each silo first (at least one batch's worth, so each batch size is warm).
        var points = await BatchingThroughput.RunAsync(batches, items, size, steps, inner, task, warmup * batches.Max(), repeats, ct);
        var after = MachineInfo.Capture();
        var baseline = points.FirstOrDefault(p => p.MaxBatchSize == 1);

        var table = new Table()
            .Title($"spgd bench batching --end-to-end: {repeats} × {items} items per batch size, {task}, spectral prior, {size}², T = {steps}, N = {inner}, " +
                   $"one CPU slot, {before.TorchThreads} threads")
            .AddColumn("max batch").AddColumn(new TableColumn("mean batch formed").RightAligned())
            .AddColumn(new TableColumn("seconds per job (median, min–max)").RightAligned()).AddColumn(new TableColumn("items/min").RightAligned())
            .AddColumn(new TableColumn("vs batch 1").RightAligned()).AddColumn(new TableColumn("succeeded").RightAligned());
        foreach (var p in points)
            table.AddRow($"{p.MaxBatchSize}", $"{p.MeanBatchSize:0.00}", BenchReport.Seconds(p.Seconds), $"{p.ItemsPerMinute:0.0}",
                baseline is null ? "–" : $"{p.ItemsPerMinute / baseline.ItemsPerMinute:0.00}×", $"{p.Succeeded}/{p.Items * repeats}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape($"{BenchReport.MachineLine(before)}; load at the end {after.LoadAverage1Min?.ToString("0.00", CultureInfo.InvariantCulture) ?? "?"}"));

        var rows = new JsonArray();
        foreach (var p in points)
        {
            var row = new JsonObject { ["max_batch_size"] = p.MaxBatchSize, ["items"] = p.Items, ["succeeded"] = p.Succeeded };
            BenchReport.AddTiming(row, p.Seconds);
            row["items_per_minute"] = p.ItemsPerMinute;
            row["mean_batch_size"] = p.MeanBatchSize;
            row["batches_run"] = p.Batches;
            row["speedup_vs_batch1"] = baseline is null ? null : p.ItemsPerMinute / baseline.ItemsPerMinute;
            rows.Add(row);
        }
        BenchReport.WriteJson(jsonPath, new JsonObject
        {
            ["benchmark"] = "batching", ["mode"] = "end-to-end", ["prior"] = "spectral", ["task"] = task, ["size"] = size, ["steps"] = steps,
            ["inner"] = inner, ["items"] = items, ["repeats"] = repeats, ["warmup_items"] = warmup * batches.Max(), ["slots"] = 1, ["threads"] = before.TorchThreads,
            ["started_utc"] = started.ToString("O", CultureInfo.InvariantCulture),
            ["finished_utc"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["batches"] = rows, ["load_average_1min_start"] = before.LoadAverage1Min, ["load_average_1min_end"] = after.LoadAverage1Min,
            ["machine"] = BenchReport.Machine(before),
        });
        return points.All(p => p.Succeeded == p.Items * repeats) ? 0 : 1;
    }

    /// <summary>Parses "1,2,4" into batch sizes; throws naming the bad entry.</summary>
    public static IReadOnlyList<int> ParseBatches(string text)
    {
        var list = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var b) || b < 1)
                throw new ArgumentException($"--batches: '{part}' is not a batch size (an integer of at least 1).");
            list.Add(b);
        }
        if (list.Count == 0) throw new ArgumentException($"--batches: no batch size in '{text}'.");
        return list;
    }

    private static void Print(BatchingBenchmarkOptions o, IReadOnlyList<BatchingPoint> points, int steps, int inner, MachineInfo before, MachineInfo after)
    {
        var baseline = points.FirstOrDefault(p => p.Batch == 1);
        var table = new Table()
            .Title($"spgd bench batching: {o.Name}, {points[0].Nfe.Cost.Size}², T = {steps}, N = {inner} ({o.EvaluationsPerImage} evaluations per image), " +
                   $"{before.TorchThreads} threads")
            .AddColumn("batch")
            .AddColumn(new TableColumn("s per evaluation (median, min–max)").RightAligned())
            .AddColumn(new TableColumn("s per image-evaluation").RightAligned())
            .AddColumn(new TableColumn("images/min").RightAligned())
            .AddColumn(new TableColumn("vs batch 1").RightAligned())
            .AddColumn(new TableColumn("RSS fwd→bwd").RightAligned())
            .AddColumn(new TableColumn("peak RSS (so far)").RightAligned())
            .AddColumn(new TableColumn($"projected {AcceleratorProjection.H100Tf32.Name} images/min").RightAligned());
        foreach (var p in points)
            table.AddRow($"{p.Batch}", BenchReport.Seconds(p.Nfe.Gradient), $"{p.SecondsPerImageEvaluation:0.000}", $"{p.ImagesPerMinute:0.0000}",
                baseline is null ? "–" : $"{baseline.SecondsPerImageEvaluation / p.SecondsPerImageEvaluation:0.00}×",
                $"{p.Nfe.ResidentAfterForwardMiB:0} MiB", $"{p.Nfe.PeakResidentMiB:0} MiB",
                $"{p.ProjectedImagesPerMinute(AcceleratorProjection.H100Tf32):0.0}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape("The projection is the FLOP model's (UNetCostModel × AcceleratorProjection), not a measurement; " +
                                              "its efficiencies do not depend on the batch, so it shows no batching gain by construction."));
        AnsiConsole.MarkupLine(Markup.Escape($"{BenchReport.MachineLine(before)}; load at the end {after.LoadAverage1Min?.ToString("0.00", CultureInfo.InvariantCulture) ?? "?"}"));
    }

    private static JsonObject ToJson(BatchingBenchmarkOptions o, IReadOnlyList<BatchingPoint> points, int steps, int inner,
        DateTimeOffset started, MachineInfo before, MachineInfo after)
    {
        var baseline = points.FirstOrDefault(p => p.Batch == 1);
        var rows = new JsonArray();
        foreach (var p in points)
        {
            var row = new JsonObject { ["batch"] = p.Batch };
            BenchReport.AddTiming(row, p.Nfe.Gradient);
            row["seconds_per_image_evaluation"] = p.SecondsPerImageEvaluation;
            row["seconds_per_image"] = p.SecondsPerImage;
            row["images_per_minute"] = p.ImagesPerMinute;
            row["speedup_vs_batch1"] = baseline is null ? null : baseline.SecondsPerImageEvaluation / p.SecondsPerImageEvaluation;
            row["rss_after_forward_mb"] = p.Nfe.ResidentAfterForwardMiB;
            row["peak_rss_mb"] = p.Nfe.PeakResidentMiB;
            row["gradient_pass_gflops"] = p.Nfe.Cost.GradientPassFlops / 1e9;
            row["achieved_gflops_per_second"] = p.Nfe.GradientGflopsPerSecond;
            var projections = new JsonObject();
            foreach (var device in AcceleratorProjection.Standard)
                projections[device.Name] = new JsonObject
                {
                    ["seconds_per_image"] = device.SecondsPerImage(p.Nfe.Cost, o.EvaluationsPerImage),
                    ["images_per_minute"] = p.ProjectedImagesPerMinute(device),
                };
            row["projections"] = projections;
            rows.Add(row);
        }

        return new JsonObject
        {
            ["benchmark"] = "batching",
            ["mode"] = "nfe",
            ["model"] = o.Name,
            ["parameter_count"] = points[0].Nfe.ParameterCount,
            ["size"] = points[0].Nfe.Cost.Size,
            ["steps"] = steps,
            ["inner"] = inner,
            ["evaluations_per_image"] = o.EvaluationsPerImage,
            ["threads"] = before.TorchThreads,
            ["repeats"] = o.Repeats,
            ["warmup"] = o.Warmup,
            ["started_utc"] = started.ToString("O", CultureInfo.InvariantCulture),
            ["finished_utc"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["projection_note"] = "projections are the FLOP model's (UNetCostModel x AcceleratorProjection), not measurements",
            ["batches"] = rows,
            ["load_average_1min_start"] = before.LoadAverage1Min,
            ["load_average_1min_end"] = after.LoadAverage1Min,
            ["machine"] = BenchReport.Machine(before),
        };
    }
}
