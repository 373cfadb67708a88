using Spgd.Tests;

namespace Spgd.Client.Tests.Cluster;

/// <summary><c>spgd run</c> with no options: the built-in demo on an in-process silo, end to end.</summary>
public sealed class RunDemoTests
{
    [Fact]
    public async Task Spgd_run_without_options_prints_the_table_and_writes_images_and_summaries()
    {
        var dir = TestPaths.NewTempDir("spgd-run");
        await using var run = SpgdProcess.StartSpgd(dir, null, "run");
        var exit = await run.WaitAsync(TimeSpan.FromMinutes(5));

        Assert.True(exit == 0, run.Output);
        Assert.Contains("| Method | inpainting_random PSNR↑ | inpainting_random SSIM↑ | inpainting_random LPIPS↓ | inpainting_random NFE | gaussian_blur PSNR↑", run.Output);
        // The row names what ran: SPGD with the defaults' N, β and ADM.
        Assert.Matches(@"\| SPGD N=5 β=0\.95 ADM \| \d+\.\d\d ± \d+\.\d\d \| 0\.\d{3} ± ", run.Output);
        Assert.Contains("ended Completed: 16 succeeded, 0 failed", run.Output);

        var job = Assert.Single(Directory.GetDirectories(Path.Combine(dir, "spgd-out", "jobs")));
        Assert.Equal(16, Directory.GetFiles(Path.Combine(job, "items"), "*-run0.png", SearchOption.AllDirectories).Length);
        // Ground truth and measurement beside each restoration, for the report's grids.
        Assert.Equal(16, Directory.GetFiles(Path.Combine(job, "items"), "*.clean.png", SearchOption.AllDirectories).Length);
        Assert.Equal(16, Directory.GetFiles(Path.Combine(job, "items"), "*.measurement.png", SearchOption.AllDirectories).Length);
        foreach (var task in new[] { "inpainting_random", "gaussian_blur" })
        {
            Assert.Equal(9, File.ReadAllLines(Path.Combine(job, "summary", task, "metrics.csv")).Length); // header + 8 images
            Assert.Contains("\"count\": 8", File.ReadAllText(Path.Combine(job, "summary", task, "summary.json")));
        }

        Assert.True(File.Exists(Path.Combine(job, "summary", "evaluation.md")));
        Assert.True(File.Exists(Path.Combine(job, "summary", "evaluation.json")));
    }
}
