using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Spgd.Core.Runtime;

/// <summary>
/// Makes TorchSharp's native library loadable on hosts whose libstdc++ predates GCC 13
/// (Debian 12, Ubuntu 22.04: GLIBCXX up to 3.4.30).
/// </summary>
/// <remarks>
/// <c>libLibTorchSharp.so</c> 0.107 needs <c>GLIBCXX_3.4.32</c> for a single symbol,
/// <c>std::ios_base_library_init()</c>, a link-time reference that is never called. Marking that
/// version need weak lets the loader proceed. Only the copy in this application's output is edited
/// (never the NuGet cache), only when the host lacks the version, atomically (write then rename) so
/// that concurrent processes never see a half-written file.
/// </remarks>
public static class TorchNativeLibrary
{
    /// <summary>The symbol version that the stock library asks for.</summary>
    public const string RequiredVersion = "GLIBCXX_3.4.32";

    private static readonly Lazy<string> Outcome = new(Prepare);

    /// <summary>What start-up did: "not needed", "patched PATH", "already patched PATH", or why it could not.</summary>
    public static string Status => Outcome.Value;

#pragma warning disable CA2255 // Intentional: must run before any TorchSharp type touches the native library.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => _ = Outcome.Value;

    /// <summary>True when the host's libstdc++ defines <paramref name="version"/>.</summary>
    public static bool HostProvides(string version)
    {
        foreach (var candidate in HostLibStdCxxCandidates())
        {
            if (!File.Exists(candidate)) continue;
            var bytes = File.ReadAllBytes(candidate);
            return bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(version + "\0")) >= 0;
        }
        return true; // No libstdc++ where we look: not a glibc system we know how to help.
    }

    /// <summary>The TorchSharp native library files in this application's output.</summary>
    public static IEnumerable<string> LibraryCandidates(string baseDirectory) =>
        new[]
        {
            Path.Combine(baseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
            Path.Combine(baseDirectory, "libLibTorchSharp.so"),
        }.Where(File.Exists);

    /// <summary>Marks <see cref="RequiredVersion"/> weak in <paramref name="path"/> if it is not yet; true when the file changed.</summary>
    public static bool PatchFile(string path)
    {
        var image = File.ReadAllBytes(path);
        if (ElfVersionNeeds.MarkWeak(image, RequiredVersion) == 0) return false;
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, image);
        File.Move(temp, path, overwrite: true);
        return true;
    }

    private static string Prepare()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return "not needed";
        if (HostProvides(RequiredVersion)) return "not needed";
        var results = new List<string>();
        foreach (var lib in LibraryCandidates(AppContext.BaseDirectory))
        {
            try
            {
                results.Add((PatchFile(lib) ? "patched " : "already patched ") + lib);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                results.Add($"could not patch {lib}: {e.Message}");
            }
        }
        return results.Count == 0 ? "no TorchSharp native library in the application directory" : string.Join("; ", results);
    }

    private static IEnumerable<string> HostLibStdCxxCandidates() =>
    [
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    ];
}
