using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spgd.Core.Benchmarks;

namespace Spgd.Client.Bench;

/// <summary><c>spgd bench machine</c>: the machine's float32 matmul rate and copy bandwidth, the floors of the other figures.</summary>
public static class MatmulBench
{
    /// <summary>Builds the sub-command.</summary>
    public static Command Create()
    {
        var shared = new BenchOptions();
        var n = new Option<int>("--matrix-size") { Description = "Side of the square matmul", DefaultValueFactory = _ => 2048 };
        var command = new Command("machine", "Measure the float32 matmul rate (GFLOP/s) and copy bandwidth (GB/s) through libtorch") { n };
        shared.AddTo(command);
        command.SetAction(parse =>
        {
            shared.Apply(parse);
            var machine = MachineInfo.Capture();
            var r = MachineRateBenchmark.Run(parse.GetValue(n), repeats: Math.Max(parse.GetValue(shared.Repeats), 1), warmup: parse.GetValue(shared.Warmup));
            AnsiConsole.Write(BenchReport.KeyValues("spgd bench machine",
            [
                ($"matmul {r.MatrixSize}² float32", BenchReport.Seconds(r.Matmul)),
                ("matmul rate", $"{r.MatmulGflopsPerSecond:0.0} GFLOP/s"),
                ($"copy {r.CopyMiB} MiB", BenchReport.Seconds(r.Copy)),
                ("copy bandwidth (read + write)", $"{r.CopyGBPerSecond:0.0} GB/s"),
                ("threads", $"{r.Threads}"),
            ]));
            AnsiConsole.MarkupLine(Markup.Escape(BenchReport.MachineLine(machine)));
            var json = new JsonObject { ["benchmark"] = "machine", ["matrix_size"] = r.MatrixSize, ["threads"] = r.Threads };
            BenchReport.AddTiming(json, r.Matmul, "matmul_");
            json["matmul_gflops_per_second"] = r.MatmulGflopsPerSecond;
            BenchReport.AddTiming(json, r.Copy, "copy_");
            json["copy_gb_per_second"] = r.CopyGBPerSecond;
            json["machine"] = BenchReport.Machine(machine);
            BenchReport.WriteJson(parse.GetValue(shared.Json), json);
            return 0;
        });
        return command;
    }
}
