using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Infrastructure;

/// <summary>
/// Runs a private Azurite blob service on a free loopback port with its own data folder. It can be stopped and
/// started again on the same port and data (for outage tests) and is killed, whole process tree, on dispose.
/// The binary comes from <c>SPGD_AZURITE</c> or <c>.tools/node_modules/.bin/azurite-blob</c> (installed by test.sh).
/// The table service (<c>azurite-table</c>, same package) starts on first use of <see cref="ConnectionStringWithTables"/>
/// and is not touched by <see cref="Stop()"/> / <see cref="Start"/>.
/// </summary>
public sealed class AzuriteFixture : IDisposable
{
    /// <summary>Azurite's well-known development account (public, not a secret).</summary>
    public const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly StringBuilder _output = new();
    private readonly ManualResetEventSlim _closed = new();
    private Process? _process;
    private Process? _tables;
    private int _tablePort;

    public AzuriteFixture()
    {
        Binary = FindBinary();
        Port = FreePort();
        DataDir = TestPaths.NewTempDir("spgd-azurite");
        Start();
    }

    public string Binary { get; }
    public int Port { get; }
    public string DataDir { get; }

    /// <summary>How long the last <see cref="Start"/> took until the port accepted connections.</summary>
    public TimeSpan LastStartDuration { get; private set; }

    public bool IsRunning => _process is { HasExited: false };

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/{AccountName};";

    /// <summary>
    /// <see cref="ConnectionString"/> plus the table endpoint, for the Orleans Azure Table providers (membership,
    /// reminders). Starts <c>azurite-table</c> on a free port the first time.
    /// </summary>
    public string ConnectionStringWithTables
    {
        get
        {
            lock (_output)
            {
                if (_tables is null) StartTables();
            }
            return ConnectionString + $"TableEndpoint=http://127.0.0.1:{_tablePort}/{AccountName};";
        }
    }

    private void StartTables()
    {
        var binary = Path.Combine(Path.GetDirectoryName(Binary)!, "azurite-table");
        if (!File.Exists(binary)) throw new InvalidOperationException($"azurite-table is not installed next to {Binary}.");
        _tablePort = FreePort();
        var psi = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--tableHost", "127.0.0.1", "--tablePort", _tablePort.ToString(), "--location", DataDir, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry" })
            psi.ArgumentList.Add(arg);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {binary}.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _tables = process;
        var sw = Stopwatch.StartNew();
        while (!Accepts(_tablePort))
        {
            if (process.HasExited) throw new InvalidOperationException($"azurite-table exited with code {process.ExitCode} before listening on port {_tablePort}.");
            if (sw.Elapsed > StartTimeout) throw new TimeoutException($"azurite-table did not listen on port {_tablePort} within {StartTimeout.TotalSeconds:0} s.");
            Thread.Sleep(50);
        }
    }

    /// <summary>A container name no other test uses.</summary>
    public static string NewContainerName(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}";

    public void Start()
    {
        if (IsRunning) return;
        var sw = Stopwatch.StartNew();
        var psi = new ProcessStartInfo(Binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(), "--location", DataDir, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry" })
            psi.ArgumentList.Add(arg);
        _closed.Reset();
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {Binary}.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        while (!Accepts(Port))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening on port {Port}:\n{Output}");
            if (sw.Elapsed > StartTimeout)
            {
                Stop();
                throw new TimeoutException($"Azurite did not listen on port {Port} within {StartTimeout.TotalSeconds:0} s:\n{Output}");
            }
            Thread.Sleep(50);
        }
        LastStartDuration = sw.Elapsed;
    }

    /// <summary>
    /// Stops the service like an orderly shutdown (SIGTERM, so Azurite saves its metadata and the data survives a
    /// <see cref="Start"/>); kills the process tree if it does not exit within 10 s.
    /// </summary>
    public void Stop() => Stop(graceful: true);

    private void Stop(bool graceful)
    {
        var process = _process;
        _process = null;
        if (process is null) return;
        try
        {
            // Azurite saves its metadata on SIGTERM but then keeps idling, so wait for its "closed" line, not its exit.
            if (graceful && !process.HasExited && SendSignal(process.Id, SigTerm) == 0)
            {
                var saveDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
                while (!_closed.IsSet && !process.HasExited && DateTime.UtcNow < saveDeadline) Thread.Sleep(20);
            }
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { } // already gone
        finally
        {
            process.Dispose();
        }
        // The port must be free again before a test relies on the outage.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Accepts(Port) && DateTime.UtcNow < deadline) Thread.Sleep(50);
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public void Dispose()
    {
        Stop(graceful: false);
        if (_tables is { } tables)
        {
            try { if (!tables.HasExited) tables.Kill(entireProcessTree: true); tables.WaitForExit(10_000); }
            catch (InvalidOperationException) { }
            tables.Dispose();
        }
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (line.Contains("successfully closed", StringComparison.Ordinal)) _closed.Set();
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static string FindBinary()
    {
        var fromEnv = Environment.GetEnvironmentVariable("SPGD_AZURITE");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv)) return fromEnv;
        var local = Path.Combine(TestPaths.RepoRoot, ".tools", "node_modules", ".bin", "azurite-blob");
        if (File.Exists(local)) return local;
        throw new InvalidOperationException(
            $"Azurite is not installed (SPGD_AZURITE='{fromEnv}', not found at '{local}'). Run 'bash test.sh' once from the repository root; " +
            "it installs azurite@3.37.0 into .tools.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
