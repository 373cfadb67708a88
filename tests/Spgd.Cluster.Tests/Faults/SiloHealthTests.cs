using System.Net;
using Spgd.Client.Tests.Cluster;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Faults;

/// <summary>The Kubernetes probes of a real Spgd.Silo process: live while it runs, ready once its device accepts work.</summary>
public sealed class SiloHealthTests
{
    [Fact]
    public async Task Live_and_ready_answer_200_once_the_silo_runs_and_unknown_paths_404()
    {
        var dir = TestPaths.NewTempDir("spgd-health");
        var port = SpgdProcess.FreePort();
        await using var silo = SpgdProcess.Start("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "Spgd.Silo.dll")], dir,
            new Dictionary<string, string>
            {
                ["SPGD_STORAGE"] = Path.Combine(dir, "store"),
                ["SPGD_DEVICE"] = "cpu",
                ["SPGD_SIMULATED_MS"] = "10",
                ["SPGD_HEALTH_PORT"] = port.ToString(),
                ["SPGD_SILO_PORT"] = SpgdProcess.FreePort().ToString(),
                ["SPGD_GATEWAY_PORT"] = SpgdProcess.FreePort().ToString(),
            });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        async Task<HttpStatusCode?> Get(string path)
        {
            try { return (await http.GetAsync($"http://127.0.0.1:{port}{path}")).StatusCode; }
            catch (HttpRequestException) { return null; }
            catch (TaskCanceledException) { return null; }
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (await Get("/health/ready") != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "not ready within 90 s:\n" + silo.Output);
            await Task.Delay(250);
        }

        Assert.Contains("ready with 1 slot", silo.Output); // ready means the device accepts work
        Assert.Equal(HttpStatusCode.OK, await Get("/health/live"));
        Assert.Equal(HttpStatusCode.OK, await Get("/health/live/"));
        Assert.Equal(HttpStatusCode.NotFound, await Get("/health/other"));

        silo.Kill();
        await silo.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Null(await Get("/health/live")); // nothing answers for a dead silo
    }
}
