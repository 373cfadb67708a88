using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spgd.Core.Benchmarks;
using Spgd.Core.Operators;

namespace Spgd.Client.Bench;

/// <summary><c>spgd bench operators</c>: every forward operator, alone and with its gradient.</summary>
public static class OperatorsBench
{
    /// <summary>Builds the sub-command.</summary>
    public static Command Create()
    {
        var shared = new BenchOptions();
        var batch = new Option<int>("--batch") { Description = "Images per call", DefaultValueFactory = _ => 4 };
        var size = new Option<int>("--size") { Description = "Image side", DefaultValueFactory = _ => 256 };
        var tasks = new Option<string?>("--tasks") { Description = $"Comma-separated tasks (default: {string.Join(", ", OperatorBenchmark.DefaultTasks)})" };
        var command = new Command("operators", "Time each forward operator y = A(x), and A(x) with the gradient of ‖A(x) − y‖² to x") { batch, size, tasks };
        shared.AddTo(command);
        command.SetAction(parse =>
        {
            shared.Apply(parse);
            var machine = MachineInfo.Capture();
            var list = parse.GetValue(tasks)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var bench = new OperatorBenchmark(parse.GetValue(batch), parse.GetValue(size), parse.GetValue(shared.Repeats),
                parse.GetValue(shared.Warmup), parse.GetValue(shared.Seed), list);
            var results = bench.Run();

            var table = new Table().Title($"spgd bench operators: batch {bench.Batch} × 3 × {bench.Size}²")
                .AddColumn("task").AddColumn(new TableColumn("A(x)").RightAligned()).AddColumn(new TableColumn("A(x) + gradient").RightAligned());
            foreach (var r in results) table.AddRow(r.Task, BenchReport.Seconds(r.Apply), BenchReport.Seconds(r.ApplyWithGradient));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(Markup.Escape(BenchReport.MachineLine(machine)));

            var items = new JsonArray();
            foreach (var r in results)
            {
                var item = new JsonObject { ["task"] = r.Task };
                BenchReport.AddTiming(item, r.Apply, "apply_");
                BenchReport.AddTiming(item, r.ApplyWithGradient, "gradient_");
                items.Add(item);
            }
            BenchReport.WriteJson(parse.GetValue(shared.Json), new JsonObject
            {
                ["benchmark"] = "operators", ["batch"] = bench.Batch, ["size"] = bench.Size, ["threads"] = machine.TorchThreads,
                ["repeats"] = bench.Repeats, ["operators"] = items, ["machine"] = BenchReport.Machine(machine),
            });
            return 0;
        });
        return command;
    }
}
