using System.Text.Json;
using Spgd.Tests;

namespace Spgd.Client.Tests;

/// <summary>Smoke test of <c>spgd bench batching</c> at tiny sizes: the promised fields exist and agree with each other.
/// No timed assertions.</summary>
public class BatchingBenchCommandTests
{
    [Fact]
    public void BatchingWritesOneRowPerBatchSizeWithImagesPerMinute()
    {
        var json = Path.Combine(TestPaths.NewTempDir(), "batching.json");
        var r = SpgdProcess.Run("bench", "batching", "--config", TestPaths.Fixture("unet", "config.json"), "--size", "16", "--batches", "1,2",
            "--steps", "10", "--inner", "2", "--repeats", "1", "--warmup", "1", "--threads", "1", "--json", json);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal("batching", root.GetProperty("benchmark").GetString());
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        Assert.Equal(20, root.GetProperty("evaluations_per_image").GetInt32());
        Assert.Equal(1, root.GetProperty("warmup").GetInt32());
        Assert.True(root.GetProperty("machine").TryGetProperty("load_average_1min", out _));
        var rows = root.GetProperty("batches").EnumerateArray().ToList();
        Assert.Equal([1, 2], rows.Select(row => row.GetProperty("batch").GetInt32()));
        foreach (var row in rows)
        {
            var batch = row.GetProperty("batch").GetInt32();
            var perEvaluation = row.GetProperty("median_seconds").GetDouble();
            Assert.Single(row.GetProperty("seconds").EnumerateArray());  // warm-up runs are not in the timings
            Assert.Equal(perEvaluation / batch, row.GetProperty("seconds_per_image_evaluation").GetDouble(), 9);
            Assert.Equal(60 * batch / (20 * perEvaluation), row.GetProperty("images_per_minute").GetDouble(), 6);
            Assert.True(row.GetProperty("peak_rss_mb").GetDouble() > 0);
            Assert.True(row.GetProperty("projections").GetProperty("H100 SXM TF32").GetProperty("images_per_minute").GetDouble() > 0);
        }
        Assert.Equal(1.0, rows[0].GetProperty("speedup_vs_batch1").GetDouble(), 9);
    }

    [Fact]
    public void EndToEndRunsEveryItemThroughTheExecutorAtEachBatchSize()
    {
        var json = Path.Combine(TestPaths.NewTempDir(), "batching-e2e.json");
        var r = SpgdProcess.Run("bench", "batching", "--end-to-end", "--batches", "1,3", "--items", "6", "--size", "16", "--steps", "2",
            "--inner", "1", "--warmup", "1", "--repeats", "2", "--json", json);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal("end-to-end", root.GetProperty("mode").GetString());
        Assert.True(root.GetProperty("machine").TryGetProperty("load_average_1min", out _));
        var rows = root.GetProperty("batches").EnumerateArray().ToList();
        Assert.Equal([1, 3], rows.Select(row => row.GetProperty("max_batch_size").GetInt32()));
        Assert.All(rows, row => Assert.Equal(12, row.GetProperty("succeeded").GetInt32()));
        Assert.All(rows, row => Assert.Equal(2, row.GetProperty("seconds").GetArrayLength()));
        Assert.All(rows, row => Assert.True(row.GetProperty("items_per_minute").GetDouble() > 0));
        // Without batching every run is one item; with it no run exceeds the maximum.
        Assert.Equal(1.0, rows[0].GetProperty("mean_batch_size").GetDouble());
        Assert.InRange(rows[1].GetProperty("mean_batch_size").GetDouble(), 1.0, 3.0);
    }

    [Fact]
    public void ABadBatchListIsOneCleanError() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("bench", "batching", "--batches", "1,x"), "--batches");
}
