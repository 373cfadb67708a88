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

    /// <summary>Kubernetes probes the port from the pod's first second: the silo must come up while its probe port is hit
    /// without pause. (Linux's managed HttpListener, used before, throws from Start when a connection races its bind,
    /// dotnet/corefx#35191; that stopped a silo in one clean-clone CI run. This test did not reproduce the race against it
    /// in 3 runs here: the window is microseconds. It guards the behaviour, not that bug.)</summary>
    [Fact]
    public async Task A_silo_probed_without_pause_while_it_starts_becomes_ready()
    {
        var dir = TestPaths.NewTempDir("spgd-health-race");
        var port = PortBelowTheEphemeralRange();
        using var stop = new CancellationTokenSource();
        long refused = 0;
        var hammers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = new System.Net.Sockets.TcpClient();
                try { await client.ConnectAsync(IPAddress.Loopback, port, stop.Token); }
                catch (System.Net.Sockets.SocketException) { Interlocked.Increment(ref refused); }
                catch (OperationCanceledException) { }
            }
        })).ToArray();
        await using var silo = StartSilo(dir, port, "cpu", new() { ["SPGD_SIMULATED_MS"] = "10" });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while ((await GetAsync(http, port, "/health/ready")).Status != HttpStatusCode.OK)
            {
                Assert.True(DateTime.UtcNow < deadline, "not ready within 120 s:\n" + silo.Output);
                await Task.Delay(100);
            }
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(hammers);
        }
        Assert.True(Interlocked.Read(ref refused) > 0, "no connection was tried before the port was bound: the start was not raced");
    }

    // A client connecting to a free port of the ephemeral range can be given that very port and connect to itself.
    private static int PortBelowTheEphemeralRange()
    {
        for (var port = 20000 + Random.Shared.Next(10000); ; port = 20000 + Random.Shared.Next(10000))
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (System.Net.Sockets.SocketException) { }
        }
    }

    private static SpgdProcess StartSilo(string dir, int healthPort, string device, Dictionary<string, string>? extra = null)
    {
        var env = new Dictionary<string, string>
        {
            ["SPGD_STORAGE"] = Path.Combine(dir, "store"),
            ["SPGD_DEVICE"] = device,
            ["SPGD_HEALTH_PORT"] = healthPort.ToString(),
            ["SPGD_SILO_PORT"] = SpgdProcess.FreePort().ToString(),
            ["SPGD_GATEWAY_PORT"] = SpgdProcess.FreePort().ToString(),
            ["Spgd__Device__ProbeRetryInterval"] = "00:00:01",
        };
        foreach (var (k, v) in extra ?? []) env[k] = v;
        return SpgdProcess.Start("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "Spgd.Silo.dll")], dir, env);
    }

    private static async Task<(HttpStatusCode? Status, string Body)> GetAsync(HttpClient http, int port, string path)
    {
        try
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{port}{path}");
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException) { return (null, ""); }
        catch (TaskCanceledException) { return (null, ""); }
    }

    [Fact]
    public async Task A_silo_whose_device_does_not_answer_never_reports_ready_and_says_why()
    {
        var dir = TestPaths.NewTempDir("spgd-health-cuda");
        var port = SpgdProcess.FreePort();
        // This build of TorchSharp has no CUDA: cuda:0 cannot allocate, exactly like a node whose driver is broken.
        await using var silo = StartSilo(dir, port, "cuda:0");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        var seen = new List<(HttpStatusCode? Status, string Body)>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!seen.Any(r => r.Body.Contains("did not answer")))
        {
            Assert.True(DateTime.UtcNow < deadline, "the probe's failure never showed on /health/ready:\n" + silo.Output);
            seen.Add(await GetAsync(http, port, "/health/ready"));
            await Task.Delay(250);
        }
        // Keep asking while the silo probes again every second: it must never turn ready.
        var failedProbes = Count(silo.Output, "failed its probe");
        var more = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (Count(silo.Output, "failed its probe") < failedProbes + 3)
        {
            Assert.True(DateTime.UtcNow < more, "the silo stopped probing:\n" + silo.Output);
            seen.Add(await GetAsync(http, port, "/health/ready"));
            await Task.Delay(250);
        }

        Assert.DoesNotContain(seen, r => r.Status == HttpStatusCode.OK);
        var last = seen.Last(r => r.Status is not null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, last.Status);
        Assert.Contains("device cuda:0 did not answer", last.Body);
        Assert.DoesNotContain("ready with", silo.Output);
        var live = await GetAsync(http, port, "/health/live");
        Assert.Equal(HttpStatusCode.OK, live.Status); // the process is fine; restarting it would not fix the device
    }

    [Fact]
    public async Task A_cpu_silo_becomes_ready_only_after_a_tensor_was_computed_on_its_device()
    {
        var dir = TestPaths.NewTempDir("spgd-health-cpu");
        var port = SpgdProcess.FreePort();
        await using var silo = StartSilo(dir, port, "cpu");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        (HttpStatusCode? Status, string Body) ready;
        while ((ready = await GetAsync(http, port, "/health/ready")).Status != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "not ready within 120 s:\n" + silo.Output);
            await Task.Delay(250);
        }

        Assert.Equal("ready (cpu)", ready.Body.Trim());
        Assert.Contains("(allocated on cpu)", silo.Output); // the probe ran before the device accepted work
    }

    private static int Count(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
