using System.Text.Json;
using Spgd.Client.Commands;

namespace Spgd.Client.Tests;

public class ReportCommandTests
{
    private static string StoredJob(string store, string jobId)
    {
        var items = Path.Combine(store, "jobs", jobId, "items", "inpainting_random");
        Directory.CreateDirectory(items);
        File.WriteAllText(Path.Combine(items, "00000-run0.json"), JsonSerializer.Serialize(new
        {
            task = "inpainting_random", imageId = "00000", run = 0, kind = "Succeeded",
            metrics = new { psnr = 27.914, ssim = 0.8123, lpips = (double?)null }, networkEvaluations = 150, device = "cpu",
        }));
        return Path.Combine(store, "jobs", jobId);
    }

    [Fact]
    public void WritesTheReportOfAJobFoundUnderTheStore()
    {
        var root = Path.Combine(Path.GetTempPath(), "spgd-report-cmd", Guid.NewGuid().ToString("N"));
        StoredJob(Path.Combine(root, "store"), "job-7");
        var output = Path.Combine(root, "out");
        var exit = ReportCommand.Create().Parse(["job-7", "--store", Path.Combine(root, "store"), "--out", output]).Invoke();
        Assert.Equal(0, exit);
        var markdown = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.Contains("job job-7", markdown);
        Assert.Contains("| SPGD | **27.91** | **0.812** | 150 |", markdown);
        Assert.Contains("27.91", File.ReadAllText(Path.Combine(output, "report.html")));
    }

    [Fact]
    public void AcceptsAJobFolderAndNamesWhereItLookedWhenMissing()
    {
        var root = Path.Combine(Path.GetTempPath(), "spgd-report-cmd", Guid.NewGuid().ToString("N"));
        var folder = StoredJob(root, "job-8");
        Assert.Equal(Path.GetFullPath(folder), ReportCommand.ResolveJobFolder(folder, "elsewhere"));
        var e = Assert.Throws<DirectoryNotFoundException>(() => ReportCommand.ResolveJobFolder("job-9", root));
        Assert.Contains("job-9", e.Message);
        Assert.Contains(Path.Combine(root, "jobs", "job-9"), e.Message);
    }
}
