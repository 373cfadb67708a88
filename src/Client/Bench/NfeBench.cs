using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spgd.Core.Benchmarks;
using Spgd.Core.Denoising;
using Spgd.Core.Models;

namespace Spgd.Client.Bench;

/// <summary><c>spgd bench nfe</c>: one UNet evaluation with the likelihood gradient, plus the forward alone.</summary>
public static class NfeBench
{
    /// <summary>Builds the sub-command.</summary>
    public static Command Create()
    {
        var shared = new BenchOptions();
        var (preset, config) = BenchOptions.ModelOptions();
        var batch = new Option<int>("--batch") { Description = "Images per evaluation", DefaultValueFactory = _ => 1 };
        var size = new Option<int?>("--size") { Description = "Image side (default: the model's image size)" };
        var noForward = new Option<bool>("--no-forward") { Description = "Skip timing the forward pass alone" };
        var spectral = new Option<bool>("--spectral-prior") { Description = "Time the spectral Gaussian prior's evaluation instead of a UNet's (--size defaults to 256)" };
        var noRecompute = new Option<bool>("--no-recompute") { Description = "Keep every GroupNorm/SiLU activation for the backward instead of recomputing them (to measure the difference)" };
        var precision = Cli.PrecisionOption.Create();
        var baseline = Cli.PrecisionOption.CreateBaseline();
        var referenceCost = new Option<bool>("--reference-cost")
        {
            Description = "Do the official code's work on this libtorch (weights requiring grad, no recomputed activations) to separate the algorithm's saving from the library's",
        };
        var command = new Command("nfe",
            "Time one network evaluation with the gradient to x (VP denoiser forward + backward), random weights; " +
            "peak RSS is the process's VmHWM, so run it in its own process")
        { preset, config, batch, size, noForward, noRecompute, precision, baseline, referenceCost, spectral };
        shared.AddTo(command);
        command.SetAction(parse =>
        {
            shared.Apply(parse);
            if (parse.GetValue(batch) < 1) throw new ArgumentException($"--batch must be at least 1, got {parse.GetValue(batch)}");
            if (parse.GetValue(spectral))
            {
                if (parse.GetValue(baseline) is not null) throw new ArgumentException("--baseline compares UNet precisions; the spectral prior has none");
                RunSpectral(parse.GetValue(batch), parse.GetValue(size) ?? 256, parse.GetValue(shared.Repeats), parse.GetValue(shared.Warmup),
                    parse.GetValue(shared.Seed), parse.GetValue(shared.Json));
                return 0;
            }
            var (name, cfg) = BenchOptions.ResolveModel(parse, preset, config);
            var options = new NfeBenchmarkOptions(name, cfg, parse.GetValue(batch), parse.GetValue(size), parse.GetValue(shared.Repeats),
                parse.GetValue(shared.Warmup), parse.GetValue(shared.Seed), ForwardOnly: !parse.GetValue(noForward), RecomputeActivations: !parse.GetValue(noRecompute),
                Precision: UNetPrecisions.TryParse(parse.GetValue(precision)) ?? UNetPrecision.Fp32, ReferenceCost: parse.GetValue(referenceCost),
                Baseline: UNetPrecisions.TryParse(parse.GetValue(baseline)));
            var machine = MachineInfo.Capture();
            var result = NfeBenchmark.Run(options);
            Print(result, machine);
            BenchReport.WriteJson(parse.GetValue(shared.Json), ToJson(result, machine));
            return 0;
        });
        return command;
    }

    private static void RunSpectral(int batch, int size, int repeats, int warmup, ulong seed, string? jsonPath)
    {
        var machine = MachineInfo.Capture();
        var timing = NfeBenchmark.TimeGradientPass(SpectralGaussianPrior.Default, batch, size, repeats, warmup, seed);
        AnsiConsole.Write(BenchReport.KeyValues("spgd bench nfe --spectral-prior",
        [
            ("denoiser", SpectralGaussianPrior.Default.Description),
            ("input", $"batch {batch} × 3 × {size}²"),
            ("evaluation with gradient (median, min–max)", BenchReport.Seconds(timing)),
            ("threads", $"{machine.TorchThreads}"),
        ]));
        AnsiConsole.MarkupLine(Markup.Escape(BenchReport.MachineLine(machine)));
        var json = new JsonObject { ["benchmark"] = "nfe", ["model"] = "spectral-prior", ["batch"] = batch, ["size"] = size, ["threads"] = machine.TorchThreads };
        BenchReport.AddTiming(json, timing);
        json["peak_rss_mb"] = ProcessMemory.PeakResidentMiB;
        json["machine"] = BenchReport.Machine(machine);
        BenchReport.WriteJson(jsonPath, json);
    }

    private static void Print(NfeBenchmarkResult r, MachineInfo machine)
    {
        var c = r.Cost;
        var rows = new List<(string, string)>
        {
            ("network", $"{r.Options.Name}, {r.ParameterCount:N0} parameters, torso {r.Options.Precision.Name()}"),
            ("input", $"batch {r.Options.Batch} × 3 × {c.Size}²"),
            ("NFE with gradient (median, min–max)", BenchReport.Seconds(r.Gradient)),
        };
        rows.Add(("warm-up evaluations (asked for, run)", $"{r.Options.Warmup}, {r.Gradient.WarmupRuns}"));
        rows.Add(("JIT compiling while timed", $"{r.Gradient.JitSeconds * 1000:0} ms"));
        if (r.Comparison is { } pair)
        {
            var name = $"{r.Options.Precision.Name()} / {r.Options.Baseline!.Value.Name()}";
            rows.Add(($"baseline {r.Options.Baseline.Value.Name()}, timed in alternation", BenchReport.Seconds(pair.Baseline)));
            rows.Add(($"{name}, pair by pair (median, min–max)", $"{pair.MedianRatio:0.000} ({pair.Ratios.Min():0.000}–{pair.Ratios.Max():0.000})"));
        }
        if (r.Forward is not null) rows.Add(("forward alone", BenchReport.Seconds(r.Forward)));
        rows.Add(("forward GFLOPs (model)", $"{c.ForwardFlops / 1e9:0.0}"));
        rows.Add(("gradient-pass GFLOPs (model)", $"{c.GradientPassFlops / 1e9:0.0}"));
        rows.Add(("achieved GFLOP/s, gradient pass", $"{r.GradientGflopsPerSecond:0.0}"));
        if (r.ForwardGflopsPerSecond is { } f) rows.Add(("achieved GFLOP/s, forward", $"{f:0.0}"));
        rows.Add(("RSS after building the net", $"{r.ResidentAfterLoadMiB:0} MiB"));
        rows.Add(("RSS between forward and backward", $"{r.ResidentAfterForwardMiB:0} MiB"));
        rows.Add(("peak RSS (VmHWM, whole process)", $"{r.PeakResidentMiB:0} MiB" + (r.Comparison is null ? "" : ", both networks")));
        rows.Add(("saved activations (model)", $"{(r.Options.RecomputeActivations && !r.Options.ReferenceCost ? c.SavedActivationBytesWithRecompute : c.SavedActivationBytes) / (1 << 20):0} MiB"));
        rows.Add(("recompute activations", r.Options.RecomputeActivations && !r.Options.ReferenceCost ? "yes" : "no"));
        if (r.Options.ReferenceCost) rows.Add(("reference cost", "weights require grad, activations kept (the official code's work)"));
        rows.Add(("threads", $"{r.Threads}"));
        foreach (var device in AcceleratorProjection.Standard)
            rows.Add(($"projected {device.Name}, s/image at T=100, N=5", $"{device.SecondsPerImage(c, 500):0.0}"));
        AnsiConsole.Write(BenchReport.KeyValues("spgd bench nfe", rows));
        AnsiConsole.MarkupLine(Markup.Escape(BenchReport.MachineLine(machine)));
    }

    private static JsonObject ToJson(NfeBenchmarkResult r, MachineInfo machine)
    {
        var json = new JsonObject
        {
            ["benchmark"] = "nfe",
            ["model"] = r.Options.Name,
            ["parameter_count"] = r.ParameterCount,
            ["batch"] = r.Options.Batch,
            ["size"] = r.Cost.Size,
            ["threads"] = r.Threads,
            ["repeats"] = r.Options.Repeats,
            ["warmup"] = r.Options.Warmup,
            ["recompute_activations"] = r.Options.RecomputeActivations && !r.Options.ReferenceCost,
            ["precision"] = r.Options.Precision.Name(),
            ["reference_cost"] = r.Options.ReferenceCost,
        };
        BenchReport.AddTiming(json, r.Gradient);
        if (r.Comparison is { } pair)
        {
            var baselineJson = new JsonObject { ["precision"] = r.Options.Baseline!.Value.Name() };
            BenchReport.AddTiming(baselineJson, pair.Baseline);
            json["baseline"] = baselineJson;
            json["ratio_to_baseline"] = new JsonObject
            {
                ["median"] = pair.MedianRatio,
                ["min"] = pair.Ratios.Min(),
                ["max"] = pair.Ratios.Max(),
                ["per_pair"] = new JsonArray([.. pair.Ratios.Select(v => (JsonNode?)JsonValue.Create(v))]),
            };
        }
        if (r.Forward is not null) BenchReport.AddTiming(json, r.Forward, "forward_");
        json["peak_rss_mb"] = r.PeakResidentMiB;
        if (r.Comparison is not null) json["peak_rss_includes_baseline_network"] = true;
        json["rss_after_load_mb"] = r.ResidentAfterLoadMiB;
        json["rss_after_forward_mb"] = r.ResidentAfterForwardMiB;
        json["forward_gflops"] = r.Cost.ForwardFlops / 1e9;
        json["gradient_pass_gflops"] = r.Cost.GradientPassFlops / 1e9;
        json["achieved_gflops_per_second"] = r.GradientGflopsPerSecond;
        json["saved_activation_mb"] = (r.Options.RecomputeActivations && !r.Options.ReferenceCost ? r.Cost.SavedActivationBytesWithRecompute : r.Cost.SavedActivationBytes) / (1 << 20);
        var projections = new JsonObject();
        foreach (var device in AcceleratorProjection.Standard)
            projections[device.Name] = new JsonObject
            {
                ["seconds_per_gradient_pass"] = device.SecondsPerGradientPass(r.Cost),
                ["seconds_per_image_t100_n5"] = device.SecondsPerImage(r.Cost, 500),
            };
        json["projections"] = projections;
        json["machine"] = BenchReport.Machine(machine);
        return json;
    }
}
