using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spgd.Core.Benchmarks;

namespace Spgd.Client.Bench;

/// <summary><c>spgd bench restore</c>: whole SPGD restorations with the spectral Gaussian prior.</summary>
public static class RestoreBench
{
    /// <summary>Builds the sub-command.</summary>
    public static Command Create()
    {
        var shared = new BenchOptions();
        var batch = new Option<int>("--batch") { Description = "Images restored together", DefaultValueFactory = _ => 4 };
        var size = new Option<int>("--size") { Description = "Image side", DefaultValueFactory = _ => 256 };
        var steps = new Option<int>("--steps") { Description = "T, outer steps", DefaultValueFactory = _ => 50 };
        var inner = new Option<int>("--inner") { Description = "N, network evaluations per outer step (SPGD warm-up)", DefaultValueFactory = _ => 5 };
        var tasks = new Option<string?>("--tasks") { Description = $"Comma-separated tasks (default: {string.Join(", ", RestoreBenchmark.DefaultTasks)})" };
        var command = new Command("restore", "Time whole SPGD restorations (spectral Gaussian prior) per task") { batch, size, steps, inner, tasks };
        shared.AddTo(command);
        command.SetAction(parse =>
        {
            shared.Apply(parse);
            var machine = MachineInfo.Capture();
            var list = parse.GetValue(tasks)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                ?? [.. RestoreBenchmark.DefaultTasks];
            var bench = new RestoreBenchmark(null, list, parse.GetValue(batch), parse.GetValue(size), parse.GetValue(steps), parse.GetValue(inner),
                parse.GetValue(shared.Repeats), parse.GetValue(shared.Warmup), parse.GetValue(shared.Seed));
            var results = bench.Run();

            var table = new Table().Title($"spgd bench restore: spectral prior, batch {bench.Batch} × 3 × {bench.Size}², T = {bench.Steps}, N = {bench.Warmup}")
                .AddColumn("task").AddColumn(new TableColumn("seconds per restoration").RightAligned()).AddColumn(new TableColumn("evaluations").RightAligned());
            foreach (var r in results) table.AddRow(r.Task, BenchReport.Seconds(r.Seconds), $"{r.NetworkEvaluations}");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(Markup.Escape(BenchReport.MachineLine(machine)));

            var items = new JsonArray();
            foreach (var r in results)
            {
                var item = new JsonObject { ["task"] = r.Task, ["network_evaluations"] = r.NetworkEvaluations };
                BenchReport.AddTiming(item, r.Seconds);
                items.Add(item);
            }
            BenchReport.WriteJson(parse.GetValue(shared.Json), new JsonObject
            {
                ["benchmark"] = "restore", ["prior"] = "spectral", ["batch"] = bench.Batch, ["size"] = bench.Size, ["steps"] = bench.Steps,
                ["inner"] = bench.Warmup, ["threads"] = machine.TorchThreads, ["repeats"] = bench.Repeats, ["tasks"] = items,
                ["machine"] = BenchReport.Machine(machine),
            });
            return 0;
        });
        return command;
    }
}
