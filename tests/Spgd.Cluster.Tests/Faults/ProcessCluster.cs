using Spgd.Client.Cluster;
using Spgd.Client.Tests.Cluster;
using Spgd.Contracts.Jobs;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Faults;

/// <summary>
/// A cluster of real processes: a private redis-server (membership and reminders) on a free loopback port and
/// Spgd.Silo processes configured by environment variables exactly as in Kubernetes, with timings shortened so
/// that a killed silo is declared dead and its items re-leased within seconds. Silos can be killed (SIGKILL),
/// stopped (SIGTERM) and started again with the same settings.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    /// <summary>Shortened timings: lease 6 s, heartbeat 1 s, death after 2 missed 1-s probes, reminders every 5 s.</summary>
    public static readonly IReadOnlyDictionary<string, string> FastFailover = new Dictionary<string, string>
    {
        ["Spgd__Jobs__LeaseTimeout"] = "00:00:06",
        ["Spgd__Jobs__DispatchInterval"] = "00:00:00.500",
        ["Spgd__Jobs__RetryBaseDelay"] = "00:00:00.500",
        ["Spgd__Jobs__RetryMaxDelay"] = "00:00:04",
        ["Spgd__Jobs__ReminderPeriod"] = "00:00:05",
        ["Spgd__Device__HeartbeatInterval"] = "00:00:01",
        ["Spgd__Reminders__MinimumReminderPeriod"] = "00:00:01",
        ["Spgd__Membership__ProbeTimeout"] = "00:00:01",
        ["Spgd__Membership__NumMissedProbesLimit"] = "2",
        ["Spgd__Membership__NumVotesForDeathDeclaration"] = "1",
    };

    private readonly SpgdProcess? _redis;
    private readonly List<Silo> _silos = [];

    private ProcessCluster(string dir, SpgdProcess? redis, string clustering, string storage)
    {
        Dir = dir;
        _redis = redis;
        Clustering = clustering;
        Storage = storage;
    }

    /// <summary>Working folder (process working directory, silo logs).</summary>
    public string Dir { get; }

    /// <summary><c>redis://127.0.0.1:PORT</c>, or <c>azure</c> (tables of the storage account).</summary>
    public string Clustering { get; }

    /// <summary>The silos' <c>SPGD_STORAGE</c>.</summary>
    public string Storage { get; }

    public IReadOnlyList<Silo> Silos => _silos;

    public Silo this[string name] => _silos.Single(s => s.Name == name);

    public static async Task<ProcessCluster> StartAsync(string storage, string? dir = null, bool azureClustering = false)
    {
        dir ??= TestPaths.NewTempDir("spgd-faults");
        if (azureClustering) return new ProcessCluster(dir, null, "azure", storage);
        var server = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "/usr/local/bin/redis-server";
        Assert.True(File.Exists(server), "redis-server is not installed (test.sh installs it)");
        var port = SpgdProcess.FreePort();
        var redis = SpgdProcess.Start(server, ["--port", port.ToString(), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"], dir);
        await redis.WaitForOutputAsync("Ready to accept connections", TimeSpan.FromSeconds(30));
        return new ProcessCluster(dir, redis, $"redis://127.0.0.1:{port}", storage);
    }

    /// <summary>Starts a silo; <paramref name="device"/> null makes a control-plane silo (jobs, aggregators).</summary>
    public Silo AddSilo(string name, string? device = null, int slots = 1, int? simulateMs = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var env = new Dictionary<string, string>(FastFailover)
        {
            ["SPGD_CLUSTERING"] = Clustering,
            ["SPGD_STORAGE"] = Storage,
            ["SPGD_SILO_PORT"] = SpgdProcess.FreePort().ToString(),
            ["SPGD_GATEWAY_PORT"] = SpgdProcess.FreePort().ToString(),
            ["SPGD_DEVICE"] = device ?? "none",
            ["SPGD_SLOTS"] = slots.ToString(),
            ["Spgd__Silo__SiloName"] = name,
        };
        if (simulateMs is { } ms) env["SPGD_SIMULATED_MS"] = ms.ToString();
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) env[k] = v;
        var silo = new Silo(name, Dir, env);
        silo.Start();
        _silos.Add(silo);
        return silo;
    }

    /// <summary>Waits until every compute silo's device accepts work.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        foreach (var s in _silos.Where(s => s.IsCompute && s.IsRunning))
            await s.Process!.WaitForOutputAsync("ready with", timeout);
        foreach (var s in _silos.Where(s => !s.IsCompute && s.IsRunning))
            await s.Process!.WaitForOutputAsync("Application started", timeout);
    }

    /// <summary>Connects an Orleans client (as <c>spgd</c> does) from the test process.</summary>
    public Task<ClusterClientHost> ConnectAsync() => ClusterClientHost.ConnectAsync(Clustering, azureStorage: _redis is null ? Storage : null);

    /// <summary>Runs <c>spgd</c> with <paramref name="args"/> (plus <c>--clustering</c> when it is a cluster command) to its end.</summary>
    public async Task<(int ExitCode, string Output)> SpgdAsync(TimeSpan timeout, params string[] args)
    {
        await using var p = SpgdProcess.StartSpgd(Dir, _redis is null ? new Dictionary<string, string> { ["SPGD_STORAGE"] = Storage } : null, [.. args, "--clustering", Clustering]);
        var code = await p.WaitAsync(timeout);
        return (code, p.Output);
    }

    /// <summary>Polls the job until <paramref name="condition"/> holds, riding out calls that fail while silos die.</summary>
    public static async Task<JobStatus> WaitForAsync(IClusterClient client, string jobId, Func<JobStatus, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JobStatus? last = null;
        Exception? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await client.GetGrain<IJobGrain>(jobId).GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(15));
                if (condition(last)) return last;
            }
            catch (Exception e) { lastError = e; }
            await Task.Delay(250);
        }
        throw new TimeoutException($"Job {jobId}: condition not reached in {timeout}; last status {last}; last error {lastError?.Message}");
    }

    /// <summary>The job's items as its ledger sees them now, riding out calls that fail while silos die.</summary>
    public static async Task<IReadOnlyList<ItemStatus>> ItemsAsync(IClusterClient client, string jobId)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { return await client.GetGrain<IJobGrain>(jobId).GetItemsAsync().WaitAsync(TimeSpan.FromSeconds(30)); }
            catch (Exception) when (attempt < 10) { await Task.Delay(500); }
        }
    }

    /// <summary>Every silo's output so far (for log assertions and failure messages).</summary>
    public string Logs => string.Join("\n", _silos.Select(s => $"===== {s.Name}\n{s.AllOutput}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _silos) await s.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
    }

    /// <summary>One silo process; its output survives restarts in <see cref="AllOutput"/>.</summary>
    internal sealed class Silo(string name, string dir, IReadOnlyDictionary<string, string> environment) : IAsyncDisposable
    {
        private readonly System.Text.StringBuilder _previous = new();

        public string Name { get; } = name;
        public SpgdProcess? Process { get; private set; }
        public bool IsCompute => environment["SPGD_DEVICE"] != "none";
        public bool IsRunning => Process is not null;

        /// <summary>True when the job's ledger says this silo holds <paramref name="item"/> (its address carries this silo's port).</summary>
        public bool Holds(ItemStatus item) =>
            item.State == ItemState.Dispatched && item.Holder?.Contains($":{environment["SPGD_SILO_PORT"]}@", StringComparison.Ordinal) == true;
        public IReadOnlyDictionary<string, string> Environment => environment;

        /// <summary>Output of every run of this silo.</summary>
        public string AllOutput => _previous + (Process?.Output ?? "");

        public void Start()
        {
            Assert.Null(Process);
            var dll = Path.Combine(AppContext.BaseDirectory, "Spgd.Silo.dll");
            Process = SpgdProcess.Start("dotnet", ["exec", dll], dir, environment);
        }

        /// <summary>SIGKILL: no shutdown code runs, as when a node dies.</summary>
        public async Task KillAsync()
        {
            var p = Process ?? throw new InvalidOperationException($"{Name} is not running");
            Process = null;
            _previous.Append(p.Output);
            await p.DisposeAsync();
        }

        /// <summary>SIGTERM, then waits for the process to exit by itself; its exit code.</summary>
        public async Task<int> TerminateAsync(TimeSpan timeout)
        {
            var p = Process ?? throw new InvalidOperationException($"{Name} is not running");
            p.Terminate();
            var code = await p.WaitAsync(timeout);
            Process = null;
            _previous.Append(p.Output);
            await p.DisposeAsync();
            return code;
        }

        public async ValueTask DisposeAsync()
        {
            if (Process is not null) await KillAsync();
        }
    }
}
