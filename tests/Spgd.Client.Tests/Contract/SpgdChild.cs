using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Spgd.Client.Tests.Contract;

/// <summary>
/// The built <c>spgd</c> as a user runs it from a script: its own process, stdin closed, stdout and stderr kept apart,
/// and real POSIX signals (SIGINT as Ctrl+C sends it, SIGTERM as a scheduler does).
/// </summary>
internal sealed class SpgdChild : IDisposable
{
    public const int SigInt = 2, SigTerm = 15;

    private readonly Process _process;
    private readonly StringBuilder _stdout = new(), _stderr = new();

    private SpgdChild(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
    }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>The stderr lines (empty ones dropped).</summary>
    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public int ExitCode => _process.ExitCode;

    public override string ToString() => $"exit {(_process.HasExited ? _process.ExitCode.ToString() : "(running)")}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";

    /// <summary>Starts <c>dotnet spgd.dll args…</c> in <paramref name="workingDirectory"/>.</summary>
    public static SpgdChild Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        Assert.True(File.Exists(SpgdProcess.DllPath), $"spgd not built at {SpgdProcess.DllPath}");
        // Through coreutils' env, which resets SIGINT to its default and execs dotnet (same process id): a test runner
        // started in the background by a script inherits SIGINT ignored, the child would too, and .NET keeps an
        // inherited SIG_IGN, so Ctrl+C would never reach spgd as it does at a terminal.
        var info = new ProcessStartInfo("env")
        {
            WorkingDirectory = workingDirectory, UseShellExecute = false,
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(SpgdProcess.DllPath);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("SPGD_DEBUG");
        info.Environment["DOTNET_gcServer"] = "0";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        return new SpgdChild(Process.Start(info) ?? throw new InvalidOperationException("could not start env dotnet"));
    }

    /// <summary>Runs to the end (a hang guard, not a timing assertion: a run that hangs fails instead of blocking the suite).</summary>
    public static SpgdChild Run(string workingDirectory, params string[] args) => Run(workingDirectory, null, args);

    public static SpgdChild Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var child = Start(workingDirectory, environment, args);
        child.WaitForExit(TimeSpan.FromMinutes(5));
        return child;
    }

    /// <summary>Sends a POSIX signal to the process (the dotnet host runs the app in its own process).</summary>
    public void Signal(int signal) => Assert.Equal(0, kill(_process.Id, signal));

    public void WaitForExit(TimeSpan hangGuard)
    {
        if (!_process.WaitForExit(hangGuard))
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"spgd did not exit within {hangGuard}:\n{this}");
        }
        _process.WaitForExit(); // drains the redirected streams
    }

    /// <summary>Waits until <paramref name="condition"/> holds (polled), failing when the process ends first.</summary>
    public void WaitUntil(Func<bool> condition, string what, TimeSpan hangGuard)
    {
        var deadline = DateTime.UtcNow + hangGuard;
        while (!condition())
        {
            if (_process.HasExited) Assert.Fail($"spgd exited before {what}:\n{this}");
            if (DateTime.UtcNow > deadline) Assert.Fail($"no {what} within {hangGuard}:\n{this}");
            Thread.Sleep(100);
        }
    }

    /// <summary>Asserts the documented failure form: this exit code, exactly one <c>spgd: error:</c> line on stderr, no stack trace.</summary>
    public string AssertOneErrorLine(int exitCode, params string[] mentions)
    {
        Assert.True(ExitCode == exitCode, $"expected exit {exitCode}: {this}");
        var lines = ErrorLines;
        Assert.True(lines.Length == 1, $"expected exactly one stderr line: {this}");
        Assert.StartsWith("spgd: error: ", lines[0]);
        Assert.True(!(Stderr + Stdout).Contains("   at ", StringComparison.Ordinal), $"a stack trace reached the user: {this}");
        Assert.DoesNotContain("Exception", lines[0]);
        foreach (var m in mentions) Assert.Contains(m, lines[0]);
        return lines[0];
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
