using System.Text.RegularExpressions;
using Spgd.Tests;

namespace Spgd.Client.Tests.Cluster;

/// <summary>
/// Runs docs/deployment.md's local walkthrough, the bash block between its <c>walkthrough:begin/end</c> markers, as
/// written: Redis, Azurite, two <c>spgd silo</c> processes from the built artifacts, <c>spgd data upload</c> of the
/// FFHQ demo photos to a blob prefix, <c>spgd submit --watch</c> of a blob-prefix spec, <c>spgd report</c> from blob
/// storage and <c>spgd verify</c> of the blobs. Only ports, work folder and tool paths are set from outside.
/// </summary>
public sealed class DeploymentWalkthroughTests
{
    [Fact]
    public async Task The_deployment_guide_walkthrough_runs_end_to_end_and_reports_every_photo()
    {
        var guide = await File.ReadAllTextAsync(Path.Combine(TestPaths.RepoRoot, "docs", "deployment.md"));
        var block = Regex.Match(guide, @"<!-- walkthrough:begin -->\s*```bash\n(?<script>.*?)```\s*<!-- walkthrough:end -->", RegexOptions.Singleline);
        Assert.True(block.Success, "docs/deployment.md has no walkthrough block");
        var work = TestPaths.NewTempDir("spgd-walkthrough");
        var script = Path.Combine(work, "walkthrough.sh");
        await File.WriteAllTextAsync(script, block.Groups["script"].Value);
        var photos = Directory.GetFiles(TestPaths.FfhqDemo, "*.png").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(10, photos.Count);

        var environment = new Dictionary<string, string>
        {
            ["WORK"] = work, ["DATA"] = TestPaths.FfhqDemo, ["AZURITE"] = SecretLeakTests.AzuriteBinary(),
            ["REDIS_PORT"] = SpgdProcess.FreePort().ToString(), ["AZURITE_PORT"] = SpgdProcess.FreePort().ToString(),
            ["SILO_PORT_1"] = SpgdProcess.FreePort().ToString(), ["GATEWAY_PORT_1"] = SpgdProcess.FreePort().ToString(),
            ["SILO_PORT_2"] = SpgdProcess.FreePort().ToString(), ["GATEWAY_PORT_2"] = SpgdProcess.FreePort().ToString(),
        };
        // Its own session, so that the script's 'kill 0' at exit stops its services and silos and nothing else.
        await using var run = SpgdProcess.Start("setsid", ["--wait", "bash", script], TestPaths.RepoRoot, environment);
        var exit = await run.WaitAsync(TimeSpan.FromMinutes(15));
        var logs = string.Join("\n", Directory.GetFiles(work, "*.log").Select(f => $"--- {Path.GetFileName(f)}\n{File.ReadAllText(f)}"));
        Assert.True(exit == 0, $"walkthrough exited {exit}:\n{run.Output}\n{logs}");

        Assert.Contains("Uploaded 10 images", run.Output);
        Assert.Contains("Job ffhq-demo-blob ended Completed: 10 succeeded, 0 failed", run.Output);
        Assert.Matches(@"OK: 10 files in 'blob:datasets/ffhq-demo/' match manifest", run.Output);

        // The report lists every photo with its ground truth, measurement and restoration (no empty cell in the grid).
        var html = await File.ReadAllTextAsync(Path.Combine(work, "report", "report.html"));
        Assert.Contains($"Images: {string.Join(", ", photos)}; empty cells: none.", html);
        Assert.True(File.Exists(Path.Combine(work, "report", "figures", "grid-inpainting_random.png")));

        // The account key was in the silos' and the clients' environment: it is in no output, log or stored blob.
        var key = Regex.Match(block.Groups["script"].Value, "AccountKey=(?<k>[^;]+);").Groups["k"].Value;
        Assert.True(key.Length > 40, "the walkthrough's connection string has no account key");
        Assert.DoesNotContain(key, run.Output);
        Assert.DoesNotContain(key, logs);
        var blobs = Path.Combine(work, "azurite", "__blobstorage__");
        Assert.True(Directory.Exists(blobs), "Azurite stored no blob");
        foreach (var file in Directory.GetFiles(blobs, "*", SearchOption.AllDirectories))
            Assert.False(File.ReadAllText(file).Contains(key, StringComparison.Ordinal), $"{file} holds the account key");
    }
}
