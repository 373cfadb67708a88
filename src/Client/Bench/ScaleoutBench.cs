using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spgd.Client.Cluster;
using Spgd.Contracts.Jobs;
using Spgd.Core.Benchmarks;

namespace Spgd.Client.Bench;

/// <summary>
/// <c>spgd bench scaleout</c>: a real multi-process cluster on this machine (Redis membership, one control-plane
/// silo, N compute silo processes with the simulated device). Measures a job's throughput against the ideal
/// silos × slots / service time, then the control plane's memory and the persisted job state for growing jobs.
/// </summary>
public static class ScaleoutBench
{
    /// <summary>Builds the sub-command.</summary>
    public static Command Create()
    {
        var silos = new Option<int>("--silos") { Description = "Compute silo processes", DefaultValueFactory = _ => 16 };
        var slots = new Option<int>("--slots") { Description = "Slots per compute silo", DefaultValueFactory = _ => 1 };
        var serviceMs = new Option<int>("--service-ms") { Description = "Simulated service time per item (ms)", DefaultValueFactory = _ => 1000 };
        var items = new Option<int?>("--items") { Description = "Items of the throughput job (default: 10 per slot)" };
        var memoryItems = new Option<string>("--memory-items")
        {
            Description = "Comma-separated item counts of the memory-flatness jobs (empty: skip)", DefaultValueFactory = _ => "1000,20000",
        };
        var memorySilos = new Option<int>("--memory-silos") { Description = "Compute silos (0 ms service) for the memory jobs", DefaultValueFactory = _ => 2 };
        var memorySlots = new Option<int>("--memory-slots") { Description = "Slots per silo for the memory jobs", DefaultValueFactory = _ => 64 };
        var warmupItems = new Option<int?>("--warmup-items") { Description = "Items of an untimed job run first (default: 2 per slot; 0: none)" };
        var settle = new Option<int>("--settle-seconds")
        {
            Description = "Idle seconds after the warm-up job, before the timed job (freshly started processes are still compiling)", DefaultValueFactory = _ => 60,
        };
        var json = new Option<string?>("--json") { Description = "Also write the results as JSON to this file", HelpName = "path" };
        var command = new Command("scaleout", "Throughput and control-plane memory of a multi-process cluster with simulated devices")
        {
            silos, slots, serviceMs, items, warmupItems, settle, memoryItems, memorySilos, memorySlots, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var plan = new Plan(parse.GetValue(silos), parse.GetValue(slots), parse.GetValue(serviceMs),
                parse.GetValue(items) ?? parse.GetValue(silos) * parse.GetValue(slots) * 10,
                [.. parse.GetValue(memoryItems)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(s => int.Parse(s, CultureInfo.InvariantCulture))],
                parse.GetValue(memorySilos), parse.GetValue(memorySlots),
                parse.GetValue(warmupItems) ?? parse.GetValue(silos) * parse.GetValue(slots) * 2, parse.GetValue(settle));
            plan.Validate();
            var result = await RunAsync(plan, ct);
            var machine = MachineInfo.Capture();
            Print(plan, result, machine);
            result["machine"] = BenchReport.Machine(machine);
            BenchReport.WriteJson(parse.GetValue(json), result);
            return 0;
        });
        return command;
    }

    private sealed record Plan(int Silos, int Slots, int ServiceMs, int Items, int[] MemoryItems, int MemorySilos, int MemorySlots,
        int WarmupItems, int SettleSeconds)
    {
        public void Validate()
        {
            if (Silos < 1) throw new ArgumentException($"--silos must be at least 1, got {Silos}");
            if (Slots < 1) throw new ArgumentException($"--slots must be at least 1, got {Slots}");
            if (ServiceMs < 1) throw new ArgumentException($"--service-ms must be at least 1 (the ideal throughput divides by it), got {ServiceMs}");
            if (Items < 1) throw new ArgumentException($"--items must be at least 1, got {Items}");
            if (WarmupItems < 0) throw new ArgumentException($"--warmup-items must be 0 or more, got {WarmupItems}");
            if (SettleSeconds < 0) throw new ArgumentException($"--settle-seconds must be 0 or more, got {SettleSeconds}");
            if (MemoryItems.Any(n => n < 1)) throw new ArgumentException($"--memory-items must be positive counts, got {string.Join(",", MemoryItems)}");
            if (MemoryItems.Length > 0 && (MemorySilos < 1 || MemorySlots < 1))
                throw new ArgumentException($"--memory-silos and --memory-slots must be at least 1, got {MemorySilos} and {MemorySlots}");
        }
    }

    private sealed record JobRun(double FirstDispatch, double AllFinished, double Terminal, int Succeeded, int Failed, JobState State);

    private static async Task<JsonObject> RunAsync(Plan plan, CancellationToken ct)
    {
        var redisServer = ChildProcess.FindOnPath("redis-server")
            ?? throw new InvalidOperationException("redis-server was not found on PATH: install Redis (e.g. apt-get install redis-server) to run spgd bench scaleout.");
        var work = Directory.CreateTempSubdirectory("spgd-bench-scaleout-").FullName;
        var storage = Path.Combine(work, "store");
        var children = new List<ChildProcess>();
        // Ctrl+C cancels ct and the finally below runs; ProcessExit covers a termination that skips it.
        EventHandler killAll = (_, _) => { foreach (var c in children) c.Kill(); };
        AppDomain.CurrentDomain.ProcessExit += killAll;
        try
        {
            var redisPort = FreePort.Next();
            var redis = ChildProcess.Start("redis-server", redisServer,
                ["--port", $"{redisPort}", "--save", "", "--appendonly", "no", "--bind", "127.0.0.1", "--dir", work]);
            children.Add(redis);
            await redis.WaitForOutputAsync("Ready to accept connections", TimeSpan.FromSeconds(30), ct);
            var clustering = $"redis://127.0.0.1:{redisPort}";

            var control = ChildProcess.StartSpgd("control-plane silo", SiloArgs(clustering, storage));
            children.Add(control);
            var compute = await StartComputeAsync(children, clustering, storage, plan.Silos, plan.Slots, plan.ServiceMs, ct);
            await using var client = await ClusterClientHost.ConnectAsync(clustering, cancellationToken: ct);

            // Long-lived silos are warm: a first job compiles the item path, the pause lets tiered compilation settle,
            // and what the idle silos still burn meanwhile is reported.
            if (plan.WarmupItems > 0) await RunJobAsync(client.Client, "scaleout-warmup", plan.WarmupItems, ct);
            var idleCpu = SumCpu(compute);
            await Task.Delay(TimeSpan.FromSeconds(plan.SettleSeconds), ct);
            var idleCpuUsed = SumCpu(compute) - idleCpu;

            // CPU time over the job (submit → completed): what the control plane spends per item, and what the idle-waiting
            // compute silos cost the shared host meanwhile.
            var loadAtSubmit = LoadAverage();
            var controlCpu = control.CpuSeconds();
            var computeCpu = SumCpu(compute);
            var jobId = $"scaleout-{plan.Items}";
            var run = await RunJobAsync(client.Client, jobId, plan.Items, ct);
            var controlCpuUsed = control.CpuSeconds() - controlCpu;
            var computeCpuUsed = SumCpu(compute) - computeCpu;
            var perSilo = ItemsPerSilo(storage, jobId);
            var seconds = run.AllFinished - run.FirstDispatch;
            var ideal = plan.Silos * plan.Slots / (plan.ServiceMs / 1000.0);
            var measured = plan.Items / seconds;
            var result = new JsonObject
            {
                ["benchmark"] = "scaleout", ["redis_port"] = redisPort, ["silos"] = plan.Silos, ["slots"] = plan.Slots, ["service_ms"] = plan.ServiceMs, ["items"] = plan.Items,
                ["succeeded"] = run.Succeeded, ["failed"] = run.Failed, ["state"] = run.State.ToString(),
                ["first_dispatch_seconds"] = run.FirstDispatch, ["all_finished_seconds"] = run.AllFinished, ["terminal_seconds"] = run.Terminal,
                ["dispatch_to_finish_seconds"] = seconds, ["throughput_items_per_second"] = measured,
                ["ideal_items_per_second"] = ideal, ["fraction_of_ideal"] = measured / ideal,
                ["control_plane_cpu_seconds"] = controlCpuUsed, ["control_plane_cpu_ms_per_item"] = controlCpuUsed * 1000 / plan.Items,
                ["compute_silos_cpu_seconds"] = computeCpuUsed, ["job_seconds"] = run.Terminal,
                ["warmup_items"] = plan.WarmupItems, ["settle_seconds"] = plan.SettleSeconds,
                ["compute_silos_idle_cpu_cores"] = plan.SettleSeconds > 0 ? idleCpuUsed / plan.SettleSeconds : null,
                ["load_average_at_submit"] = loadAtSubmit,
                ["items_per_silo_min"] = perSilo.Count == 0 ? null : perSilo.Min(), ["items_per_silo_max"] = perSilo.Count == 0 ? null : perSilo.Max(),
                ["silos_that_ran_items"] = perSilo.Count,
            };

            var memory = new JsonArray();
            if (plan.MemoryItems.Length > 0)
            {
                // The throughput silos hold items for service-ms; the memory jobs want an instant device instead.
                foreach (var c in compute) await c.StopAsync(TimeSpan.FromSeconds(30));
                await StartComputeAsync(children, clustering, storage, plan.MemorySilos, plan.MemorySlots, 0, ct);
                var before = control.Memory();
                result["control_plane_rss_before_mib"] = before?.Rss;
                result["control_plane_hwm_before_mib"] = before?.Hwm;
                foreach (var n in plan.MemoryItems)
                {
                    var id = $"scaleout-memory-{n}";
                    var r = await RunJobAsync(client.Client, id, n, ct);
                    var after = control.Memory();
                    var entry = new JsonObject
                    {
                        ["items"] = n, ["succeeded"] = r.Succeeded, ["state"] = r.State.ToString(), ["seconds"] = r.Terminal,
                        ["control_plane_rss_after_mib"] = after?.Rss, ["control_plane_hwm_after_mib"] = after?.Hwm,
                    };
                    foreach (var (name, bytes) in JobStateSizes(storage, id)) entry[$"{name}_state_bytes"] = bytes;
                    memory.Add(entry);
                }
            }

            result["memory_silos"] = plan.MemorySilos;
            result["memory_slots"] = plan.MemorySlots;
            result["memory_jobs"] = memory;
            return result;
        }
        finally
        {
            AppDomain.CurrentDomain.ProcessExit -= killAll;
            for (var i = children.Count - 1; i >= 0; i--) await children[i].DisposeAsync();
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } // best effort: a temp folder
        }
    }

    private static string[] SiloArgs(string clustering, string storage) =>
        ["silo", "--clustering", clustering, "--storage", storage, "--silo-port", $"{FreePort.Next()}", "--gateway-port", $"{FreePort.Next()}"];

    private static async Task<List<ChildProcess>> StartComputeAsync(List<ChildProcess> children, string clustering, string storage,
        int count, int slots, int serviceMs, CancellationToken ct)
    {
        var started = new List<ChildProcess>();
        for (var i = 0; i < count; i++)
        {
            var silo = ChildProcess.StartSpgd($"compute silo {i}",
                [.. SiloArgs(clustering, storage), "--device", "cpu", "--slots", $"{slots}", "--simulate-ms", $"{serviceMs}"]);
            children.Add(silo);
            started.Add(silo);
        }

        await Task.WhenAll(started.Select(s => s.WaitForOutputAsync("Device cpu ready", TimeSpan.FromMinutes(5), ct)));
        return started;
    }

    // Status polls are cheap but not free for the job grain: 200 ms bounds the timing error well below a service time.
    private static async Task<JobRun> RunJobAsync(IClusterClient client, string id, int items, CancellationToken ct)
    {
        var job = client.GetGrain<IJobGrain>(id);
        var definition = new JobDefinition
        {
            Dataset = new DatasetRef { Kind = DatasetKind.SpectralDemo, Count = items, Size = 16, Label = "spectral demo" },
            Model = new ModelRef { Kind = "spectral-gaussian" },
            Tasks = [new TaskSettings { Name = "inpainting_random" }],
        };
        var clock = Stopwatch.StartNew();
        var status = await job.SubmitAsync(definition);
        if (status.State == JobState.Failed) throw new InvalidOperationException($"Job {id} could not start: {status.Error}");
        double? first = null, finished = null;
        while (!status.IsTerminal)
        {
            await Task.Delay(200, ct);
            status = await job.GetStatusAsync();
            if (status.InFlight > 0 || status.Finished > 0) first ??= clock.Elapsed.TotalSeconds;
            if (status.Finished == status.Total) finished ??= clock.Elapsed.TotalSeconds;
        }

        var terminal = clock.Elapsed.TotalSeconds;
        return new JobRun(first ?? 0, finished ?? terminal, terminal, status.Succeeded, status.Failed, status.State);
    }

    private static double? LoadAverage()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return null; }
    }

    private static double? SumCpu(IEnumerable<ChildProcess> processes)
    {
        var times = processes.Select(p => p.CpuSeconds()).ToList();
        return times.Any(t => t is null) ? null : times.Sum();
    }

    // How evenly placement spread the items: the silo each item record names (the records are the workers' own).
    private static List<int> ItemsPerSilo(string storage, string jobId)
    {
        var folder = Path.Combine(storage, "jobs", jobId, "items");
        if (!Directory.Exists(folder)) return [];
        var silos = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories))
        {
            using var record = JsonDocument.Parse(File.ReadAllBytes(file));
            if (record.RootElement.TryGetProperty("silo", out var silo) && silo.GetString() is { Length: > 0 } name) silos.Add(name);
        }

        return [.. silos.GroupBy(n => n).Select(g => g.Count())];
    }

    // Folder grain storage: grain-state/{grain type}/{key}/{state name}.state; the job grain's key is the job id.
    private static IEnumerable<(string Name, long Bytes)> JobStateSizes(string storage, string jobId) =>
        Directory.Exists(storage)
            ? Directory.EnumerateFiles(storage, "*.state", SearchOption.AllDirectories)
                .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == Uri.EscapeDataString(jobId))
                .Select(f => (Path.GetFileNameWithoutExtension(f).Replace('-', '_'), new FileInfo(f).Length))
            : [];

    private static void Print(Plan plan, JsonObject r, MachineInfo machine)
    {
        var rows = new List<(string, string)>
        {
            ("items (succeeded)", $"{plan.Items} ({r["succeeded"]})"),
            ("first dispatch → all finished", $"{(double)r["dispatch_to_finish_seconds"]!:0.00} s"),
            ("throughput", $"{(double)r["throughput_items_per_second"]!:0.00} items/s"),
            ("ideal (silos × slots / service)", $"{(double)r["ideal_items_per_second"]!:0.00} items/s"),
            ("fraction of ideal (target ≥ 0.90)", $"{(double)r["fraction_of_ideal"]!:0.000}"),
            ("items per silo (min / max)", $"{r["items_per_silo_min"]} / {r["items_per_silo_max"]} over {r["silos_that_ran_items"]} silos"),
            ("idle compute silos' CPU before the job (cores)", $"{(double?)r["compute_silos_idle_cpu_cores"]:0.00}"),
            ("CPU over the job: control plane / compute silos", $"{(double?)r["control_plane_cpu_seconds"]:0.00} s ({(double?)r["control_plane_cpu_ms_per_item"]:0.0} ms/item) / {(double?)r["compute_silos_cpu_seconds"]:0.00} s"),
        };
        if (r["control_plane_rss_before_mib"] is { } rss) rows.Add(("control-plane RSS before memory jobs", $"{(double)rss:0.0} MiB"));
        foreach (var m in r["memory_jobs"]!.AsArray())
            rows.Add(($"{m!["items"]}-item job: RSS / HWM after, progress / definition state",
                $"{(double?)m["control_plane_rss_after_mib"]:0.0} / {(double?)m["control_plane_hwm_after_mib"]:0.0} MiB, {m["job_progress_state_bytes"]} / {m["job_definition_state_bytes"]} B"));
        AnsiConsole.Write(BenchReport.KeyValues(
            $"spgd bench scaleout: {plan.Silos} silo processes × {plan.Slots} slot(s), simulated {plan.ServiceMs} ms per item", rows));
        AnsiConsole.MarkupLine(Markup.Escape(BenchReport.MachineLine(machine)));
    }
}
