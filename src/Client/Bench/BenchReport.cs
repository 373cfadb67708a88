using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spgd.Core.Benchmarks;

namespace Spgd.Client.Bench;

/// <summary>Shared output of the <c>spgd bench</c> sub-commands: a Spectre table on the console and a JSON file.</summary>
public static class BenchReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The machine fields every JSON report carries.</summary>
    public static JsonObject Machine(MachineInfo m) => new()
    {
        ["logical_cores"] = m.LogicalCores,
        ["cpu_model"] = m.CpuModel,
        ["memory_gib"] = m.MemoryGiB,
        ["load_average_1min"] = m.LoadAverage1Min,
        ["allocator"] = m.Allocator,
        ["torch_threads"] = m.TorchThreads,
        ["runtime"] = m.Runtime,
        ["cpu_flags"] = new JsonArray([.. m.CpuFlags.Select(f => (JsonNode?)f)]),
    };

    /// <summary>The timing fields of one measurement under <paramref name="prefix"/> (e.g. <c>median_seconds</c>).</summary>
    public static void AddTiming(JsonObject json, TimingSummary timing, string prefix = "")
    {
        json[prefix + "median_seconds"] = timing.Median;
        json[prefix + "min_seconds"] = timing.Min;
        json[prefix + "max_seconds"] = timing.Max;
        json[prefix + "seconds"] = new JsonArray([.. timing.Seconds.Select(s => (JsonNode?)JsonValue.Create(s))]);
        if (timing.WarmupRuns is { } warmupRuns) json[prefix + "warmup_runs"] = warmupRuns;
        if (timing.JitSeconds is { } jit) json[prefix + "jit_seconds_while_timed"] = jit;
    }

    /// <summary>Writes <paramref name="json"/> to <paramref name="path"/> (creating its folder) when a path is given.</summary>
    public static void WriteJson(string? path, JsonNode json)
    {
        if (string.IsNullOrEmpty(path)) return;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(path, json.ToJsonString(Indented) + Environment.NewLine);
    }

    /// <summary>A two-column table of labelled values.</summary>
    public static Table KeyValues(string title, IEnumerable<(string Key, string Value)> rows)
    {
        var table = new Table().Title(title).AddColumn("quantity").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (k, v) in rows) table.AddRow(Markup.Escape(k), Markup.Escape(v));
        return table;
    }

    /// <summary>One line about where the numbers come from.</summary>
    public static string MachineLine(MachineInfo m) =>
        $"{m.CpuModel}, {m.LogicalCores} logical cores, {m.MemoryGiB?.ToString("0.#") ?? "?"} GiB, torch threads {m.TorchThreads}, load {m.LoadAverage1Min?.ToString("0.00") ?? "?"}, {m.Allocator}, flags {string.Join(' ', m.CpuFlags)}";

    /// <summary>Seconds as "median (min–max)".</summary>
    public static string Seconds(TimingSummary t) => t.Max < 1
        ? $"{t.Median * 1e3:0.00} ms ({t.Min * 1e3:0.00}–{t.Max * 1e3:0.00})"
        : $"{t.Median:0.000} s ({t.Min:0.000}–{t.Max:0.000})";
}
