using Spgd.Tests;

namespace Spgd.Core.Tests.TestSupport;

/// <summary>Fixtures kept in the repository (tests/fixtures), written by scripts/fixtures/*.py from the reference code.</summary>
internal static class RepoFixtures
{
    public static string Path(params string[] parts) => System.IO.Path.Combine([TestPaths.RepoRoot, "tests", "fixtures", .. parts]);
}
