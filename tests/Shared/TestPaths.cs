namespace Spgd.Tests;

/// <summary>Locates the repository and the read-only <c>../shared</c> fixtures beside it.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Shared { get; } = Environment.GetEnvironmentVariable("SPGD_SHARED") is { Length: > 0 } s
        ? Path.GetFullPath(s)
        : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string Fixtures => Path.Combine(Shared, "fixtures");

    public static string Fixture(params string[] parts) => Path.Combine([Fixtures, .. parts]);

    public static string FfhqDemo => Path.Combine(Shared, "datasets", "ffhq-demo");

    /// <summary>A fresh empty temporary directory.</summary>
    public static string NewTempDir(string prefix = "spgd-test")
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Spgd.Cluster.sln"))) return dir.FullName;
        throw new InvalidOperationException("Spgd.Cluster.sln not found above " + AppContext.BaseDirectory);
    }
}
