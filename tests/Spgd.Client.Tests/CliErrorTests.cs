using Spgd.Tests;

namespace Spgd.Client.Tests;

/// <summary>Bad command lines end with one "spgd: error:" line and a non-zero exit, never a stack trace.</summary>
public class CliErrorTests
{
    [Fact]
    public void UnknownOptionIsOneLine() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("metrics", "--reference", TestPaths.Fixture("metrics", "reference.npy"),
            "--candidate", TestPaths.Fixture("metrics", "noisy.npy"), "--bogus"), "--bogus");

    [Fact]
    public void BestOfMoreThanTheRunsIsRefusedBeforeAnythingRuns() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("run", "--runs", "2", "--best-of", "3", "--out", Path.Combine(Path.GetTempPath(), $"spgd-bo-{Guid.NewGuid():N}")), "--best-of 3");

    [Fact]
    public void UnknownCommandIsOneLine() => SpgdProcess.AssertCleanFailure(SpgdProcess.Run("frobnicate"), "frobnicate");

    [Fact]
    public void MissingRequiredOptionIsNamed() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("metrics", "--reference", TestPaths.Fixture("metrics", "reference.npy")), "--candidate");

    [Fact]
    public void MissingFileIsNamed() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("metrics", "--reference", "/no/such/file.npy",
            "--candidate", TestPaths.Fixture("metrics", "noisy.npy")), "/no/such/file.npy");

    [Fact]
    public void OutputThatIsADirectoryIsRejectedBeforeAnyWork() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("operator", "--task", "hdr", "--input", TestPaths.Fixture("operators", "x.npy"),
            "--output", Path.GetTempPath()), "is a directory");

    [Fact]
    public void HelpSucceedsAndListsTheCommands()
    {
        var r = SpgdProcess.Run("--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var command in new[] { "unet", "denoise", "operator", "restore", "metrics" }) Assert.Contains(command, r.Stdout);
        Assert.Equal("", r.Stderr);
    }
}
