using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Spgd.Client.Bench;

/// <summary>
/// A process a benchmark starts (Redis, silos): output captured, stopped gracefully (SIGTERM) or killed
/// with its tree. Disposing always leaves it ended, so a benchmark that throws or is cancelled cleans up.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>A label for messages.</summary>
    public string Name { get; }

    /// <summary>The operating-system process id.</summary>
    public int Id => _process.Id;

    /// <summary>Everything printed so far (stdout and stderr).</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="args"/>.</summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}."), name);
    }

    /// <summary>Starts this same <c>spgd</c> (apphost or <c>dotnet exec spgd.dll</c>) with <paramref name="args"/>.</summary>
    public static ChildProcess StartSpgd(string name, IEnumerable<string> args)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        // Workstation GC keeps N silo processes on a shared machine from each reserving server-GC heaps.
        var env = new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" };
        return Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? Start(name, host, ["exec", Assembly.GetEntryAssembly()!.Location, .. args], env)
            : Start(name, host, args, env);
    }

    /// <summary>The first executable called <paramref name="program"/> on PATH, or null.</summary>
    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);

    /// <summary>Waits until the output contains <paramref name="text"/>; fails with the output when the process exits first or time runs out.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before printing '{text}':\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name} did not print '{text}' within {timeout}:\n{Output}");
            await Task.Delay(100, ct);
        }
    }

    /// <summary>Asks the process to stop (SIGTERM, so a silo leaves the cluster cleanly); kills it after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) _ = SendSignal(_process.Id, 15);
        using var cts = new CancellationTokenSource(grace);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { Kill(); }
    }

    /// <summary>Kills the process and its children at once.</summary>
    public void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // exited in between
    }

    /// <summary>VmRSS and VmHWM in MiB from <c>/proc/PID/status</c> (Linux), or null.</summary>
    public (double Rss, double Hwm)? Memory()
    {
        var path = $"/proc/{_process.Id}/status";
        if (!File.Exists(path)) return null;
        double Field(string key) => File.ReadLines(path).Where(l => l.StartsWith(key, StringComparison.Ordinal))
            .Select(l => double.Parse(l[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024).FirstOrDefault();
        try { return (Field("VmRSS:"), Field("VmHWM:")); }
        catch (IOException) { return null; }
    }

    /// <summary>CPU time (user + system) the process has used so far, in seconds, or null once it has exited.</summary>
    public double? CpuSeconds()
    {
        try
        {
            _process.Refresh();
            return _process.HasExited ? null : _process.TotalProcessorTime.TotalSeconds;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { return null; }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);
}
