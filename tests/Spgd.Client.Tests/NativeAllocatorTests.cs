using System.Text.Json;
using Spgd.Core.Runtime;
using Spgd.Tests;

namespace Spgd.Client.Tests;

/// <summary><c>spgd</c> runs its tensor commands on jemalloc when the host has it, and on glibc malloc when asked to.</summary>
public class NativeAllocatorTests
{
    private static string MachineAllocator(string? choice)
    {
        var json = Path.Combine(TestPaths.NewTempDir(), "machine.json");
        var r = SpgdProcess.RunWithEnvironment(
            new Dictionary<string, string?>
            {
                [NativeAllocator.ChoiceVariable] = choice,
                [NativeAllocator.MarkerVariable] = null,
                ["LD_PRELOAD"] = null,
                ["MALLOC_CONF"] = null,
            },
            "bench", "machine", "--repeats", "1", "--warmup", "0", "--json", json);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        return doc.RootElement.GetProperty("machine").GetProperty("allocator").GetString()!;
    }

    [Fact]
    public void TensorCommandsRunOnJemallocWhenItIsInstalled()
    {
        bool installed = OperatingSystem.IsLinux() && NativeAllocator.JemallocCandidates.Any(File.Exists);
        Assert.Equal(installed ? "jemalloc" : OperatingSystem.IsLinux() ? "glibc malloc" : "platform default", MachineAllocator(null));
    }

    [Fact]
    public void SystemChoiceKeepsGlibcMalloc()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.Equal("glibc malloc", MachineAllocator("system"));
    }

    [Fact]
    public void ReexecutedEnvironmentPrependsThePreloadAndKeepsTheUsersSettings()
    {
        var env = NativeAllocator.BuildEnvironment(
            new Dictionary<string, string> { ["LD_PRELOAD"] = "/opt/other.so", ["MALLOC_CONF"] = "narenas:1", ["HOME"] = "/root" },
            "/usr/lib/libjemalloc.so.2");
        Assert.Contains("LD_PRELOAD=/usr/lib/libjemalloc.so.2:/opt/other.so", env);
        Assert.Contains("MALLOC_CONF=narenas:1", env);
        Assert.Contains("HOME=/root", env);
        Assert.Contains($"{NativeAllocator.MarkerVariable}=1", env);

        var fresh = NativeAllocator.BuildEnvironment(new Dictionary<string, string>(), "/usr/lib/libjemalloc.so.2");
        Assert.Contains("LD_PRELOAD=/usr/lib/libjemalloc.so.2", fresh);
        Assert.Contains($"MALLOC_CONF={NativeAllocator.DefaultJemallocConfig}", fresh);
    }
}
