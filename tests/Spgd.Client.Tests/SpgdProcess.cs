using System.Diagnostics;
using System.Reflection;
using Spgd.Tests;

namespace Spgd.Client.Tests;

/// <summary>The outcome of one <c>spgd</c> run.</summary>
internal sealed record SpgdResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>Runs the built <c>spgd</c> executable as a separate process, exactly as a user would.</summary>
internal static class SpgdProcess
{
    /// <summary>src/Client/bin/&lt;configuration of this test assembly&gt;/net10.0/spgd.dll.</summary>
    public static string DllPath { get; } = Path.Combine(TestPaths.RepoRoot, "src", "Client", "bin",
        typeof(SpgdProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug", "net10.0", "spgd.dll");

    public static SpgdResult Run(params string[] args) => RunWithEnvironment(new Dictionary<string, string?>(), args);

    /// <summary>Runs spgd with extra environment variables (a null value removes the variable).</summary>
    public static SpgdResult RunWithEnvironment(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        Assert.True(File.Exists(DllPath), $"spgd not built at {DllPath}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(DllPath);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("SPGD_DEBUG");
        foreach (var (key, value) in environment)
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new SpgdResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Asserts the run failed the way bad input must: non-zero exit, exactly one "spgd: error:" line, no stack trace.</summary>
    public static void AssertCleanFailure(SpgdResult r, string? mentions = null)
    {
        Assert.True(r.ExitCode != 0, r.ToString());
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one stderr line: " + r);
        Assert.StartsWith("spgd: error: ", lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stdout);
        if (mentions is not null) Assert.Contains(mentions, lines[0]);
    }
}
