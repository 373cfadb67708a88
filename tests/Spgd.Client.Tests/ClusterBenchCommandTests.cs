using System.Text.Json;
using Spgd.Tests;

namespace Spgd.Client.Tests;

/// <summary>Smoke tests of <c>spgd bench orchestration</c> and <c>spgd bench scaleout</c> at tiny sizes: they complete,
/// clean up and write the promised JSON fields. No timed assertions.</summary>
public class ClusterBenchCommandTests
{
    private static JsonElement RunJson(params string[] args)
    {
        var json = Path.Combine(TestPaths.NewTempDir(), "bench.json");
        var r = SpgdProcess.Run([.. args, "--json", json]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(json), r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        return doc.RootElement.Clone();
    }

    [Fact]
    public void OrchestrationRunsTheSameItemsInALoopAndAsAJob()
    {
        var root = RunJson("bench", "orchestration", "--items", "4", "--size", "16", "--steps", "3", "--warmup", "1", "--threads", "1");
        Assert.Equal("orchestration", root.GetProperty("benchmark").GetString());
        Assert.Equal(4, root.GetProperty("items").GetInt32());
        Assert.Equal(4, root.GetProperty("job_succeeded").GetInt32());
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        var loop = root.GetProperty("loop_seconds").GetDouble();
        var job = root.GetProperty("job_seconds").GetDouble();
        Assert.True(loop > 0 && job > 0, root.ToString());
        Assert.Equal(job / loop, root.GetProperty("ratio").GetDouble(), 6);
        // The device's busy time is read back from the four item records; it fits inside the job's wall time.
        var busy = root.GetProperty("job_device_busy_seconds").GetDouble();
        Assert.True(busy > 0 && busy <= job, root.ToString());
        Assert.Equal(job - busy, root.GetProperty("job_device_idle_seconds").GetDouble(), 6);
    }

    [Fact]
    public void ScaleoutRunsSiloProcessesOnRedisAndStopsThemAll()
    {
        var root = RunJson("bench", "scaleout", "--silos", "2", "--items", "10", "--service-ms", "50", "--warmup-items", "2", "--settle-seconds", "0",
            "--memory-items", "20,40", "--memory-silos", "1", "--memory-slots", "4");
        Assert.Equal("Completed", root.GetProperty("state").GetString());
        Assert.Equal(10, root.GetProperty("succeeded").GetInt32());
        Assert.Equal(40.0, root.GetProperty("ideal_items_per_second").GetDouble(), 9); // 2 silos × 1 slot / 0.05 s
        Assert.True(root.GetProperty("throughput_items_per_second").GetDouble() > 0);
        Assert.True(root.GetProperty("control_plane_rss_before_mib").GetDouble() > 0);
        // Items per silo come from the item records of the timed job (not the warm-up job's 2).
        var perSiloMin = root.GetProperty("items_per_silo_min").GetInt32();
        var perSiloMax = root.GetProperty("items_per_silo_max").GetInt32();
        var silosUsed = root.GetProperty("silos_that_ran_items").GetInt32();
        Assert.InRange(silosUsed, 1, 2);
        Assert.True(perSiloMin <= perSiloMax && perSiloMin * silosUsed <= 10 && perSiloMax * silosUsed >= 10, root.ToString());
        Assert.True(root.GetProperty("control_plane_cpu_seconds").GetDouble() > 0, root.ToString());
        var jobs = root.GetProperty("memory_jobs").EnumerateArray().ToList();
        Assert.Equal([20, 40], jobs.Select(j => j.GetProperty("items").GetInt32()));
        Assert.All(jobs, j =>
        {
            Assert.Equal("Completed", j.GetProperty("state").GetString());
            Assert.True(j.GetProperty("job_progress_state_bytes").GetInt64() > 0);
            Assert.True(j.GetProperty("control_plane_hwm_after_mib").GetDouble() >= j.GetProperty("control_plane_rss_after_mib").GetDouble());
        });

        // Every child is gone: no process still runs the benchmark's Redis.
        var redis = $"127.0.0.1:{root.GetProperty("redis_port").GetInt32()}";
        var left = Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Where(d => { try { return File.ReadAllText(Path.Combine(d, "cmdline")).Contains(redis, StringComparison.Ordinal); } catch (IOException) { return false; } catch (UnauthorizedAccessException) { return false; } })
            .ToList();
        Assert.Empty(left);
    }

    [Fact]
    public void ScaleoutRejectsAZeroServiceTime()
    {
        var r = SpgdProcess.Run("bench", "scaleout", "--service-ms", "0");
        SpgdProcess.AssertCleanFailure(r, "--service-ms");
    }
}
