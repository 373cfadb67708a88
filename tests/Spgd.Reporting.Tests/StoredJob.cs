using System.Text.Json;
using SkiaSharp;

namespace Spgd.Reporting.Tests;

/// <summary>Writes a job folder in the stored layout (jobs/{job}/items/{point}/{task}/{image}-run{r}.*) for tests.</summary>
internal sealed class StoredJob
{
    public StoredJob(string root, string jobId = "job-1")
    {
        Folder = Path.Combine(root, "jobs", jobId);
        Directory.CreateDirectory(Path.Combine(Folder, "items"));
    }

    public string Folder { get; }

    public string ItemPath(string point, string task, string image, int run) => Path.Combine(Folder, "items", point, task, $"{image}-run{run}");

    /// <summary>An item record in the cluster's item-outcome JSON, with the grid-point label as "method".</summary>
    public string AddItem(string point, string method, string task, string image, int run, double? psnr, double? ssim, double? lpips,
        int nfe, string? error = null, string device = "cpu")
    {
        var stem = ItemPath(point, task, image, run);
        Directory.CreateDirectory(Path.GetDirectoryName(stem)!);
        var record = new Dictionary<string, object?>
        {
            ["jobId"] = "job-1", ["itemId"] = $"{point}/{task}/{image}-run{run}", ["task"] = task, ["imageId"] = image, ["run"] = run,
            ["kind"] = error is null ? "Succeeded" : "FailedDeterministic", ["method"] = method,
            ["metrics"] = psnr is null ? null : new Dictionary<string, object?> { ["psnr"] = psnr, ["ssim"] = ssim, ["lpips"] = lpips },
            ["error"] = error, ["device"] = device, ["networkEvaluations"] = nfe, ["seconds"] = 1.5,
        };
        File.WriteAllText(stem + ".json", JsonSerializer.Serialize(record));
        return stem;
    }

    public void AddSteps(string stem, IEnumerable<object> steps) => File.WriteAllText(stem + ".steps.json", JsonSerializer.Serialize(steps));

    public void AddPngs(string stem, SKColor color)
    {
        File.WriteAllBytes(stem + ".png", Png(32, 32, color));
        File.WriteAllBytes(stem + ".measurement.png", Png(8, 8, SKColors.Gray));
        File.WriteAllBytes(stem + ".clean.png", Png(32, 32, SKColors.Green));
    }

    public static byte[] Png(int width, int height, SKColor color)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static string NewTempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "spgd-report-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
