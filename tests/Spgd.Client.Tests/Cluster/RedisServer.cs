namespace Spgd.Client.Tests.Cluster;

/// <summary>A throw-away redis-server for a multi-process cluster test: its own port, no persistence, loopback only.</summary>
internal static class RedisServer
{
    /// <summary>Starts one in <paramref name="dir"/> and waits until it accepts connections; returns it and its clustering string.</summary>
    public static async Task<(SpgdProcess Process, string Clustering)> StartAsync(string dir)
    {
        const string debian = "/usr/bin/redis-server", local = "/usr/local/bin/redis-server";
        Assert.True(File.Exists(debian) || File.Exists(local), "redis-server is not installed (test.sh installs it)");
        var port = SpgdProcess.FreePort();
        var redis = SpgdProcess.Start(File.Exists(debian) ? debian : local,
            ["--port", port.ToString(), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"], dir);
        await redis.WaitForOutputAsync("Ready to accept connections", TimeSpan.FromSeconds(30));
        return (redis, $"redis://127.0.0.1:{port}");
    }
}
