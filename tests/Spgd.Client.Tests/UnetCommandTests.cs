using Spgd.Tests;
using Xunit.Abstractions;

namespace Spgd.Client.Tests;

public class UnetCommandTests(ITestOutputHelper output)
{
    private static string[] Args(string config, string checkpoint, string input, string timesteps, string outputPath) =>
        ["unet", "--config", config, "--checkpoint", checkpoint, "--input", input, "--timesteps", timesteps, "--output", outputPath];

    [Fact]
    public void MatchesTheReferenceNetworkOutput()
    {
        var dir = TestPaths.NewTempDir();
        try
        {
            var o = Path.Combine(dir, "out.npy");
            var r = SpgdProcess.Run(Args(TestPaths.Fixture("unet", "config.json"), TestPaths.Fixture("unet", "checkpoint.pt"),
                TestPaths.Fixture("unet", "x.npy"), TestPaths.Fixture("unet", "t.npy"), o));
            Assert.True(r.ExitCode == 0, r.ToString());
            output.WriteLine($"relative L2 error {NpyAssert.RelativeL2Below(TestPaths.Fixture("unet", "output.npy"), o, 1e-4):E2}");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void InputOfAnotherSizeThanTheConfigIsRejected() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run(Args("ffhq256", TestPaths.Fixture("unet", "checkpoint.pt"),
            TestPaths.Fixture("unet", "x.npy"), TestPaths.Fixture("unet", "t.npy"), Path.Combine(Path.GetTempPath(), "never.npy"))), "256");

    [Fact]
    public void ACheckpointThatIsNotOneIsRejected() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run(Args(TestPaths.Fixture("unet", "config.json"), TestPaths.Fixture("unet", "config.json"),
            TestPaths.Fixture("unet", "x.npy"), TestPaths.Fixture("unet", "t.npy"), Path.Combine(Path.GetTempPath(), "never.npy"))), "not a model checkpoint");

    [Fact]
    public void TimestepsOfAnotherBatchSizeAreRejected() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run(Args(TestPaths.Fixture("unet", "config.json"), TestPaths.Fixture("unet", "checkpoint.pt"),
            TestPaths.Fixture("unet", "x.npy"), TestPaths.Fixture("operators", "x.npy"), Path.Combine(Path.GetTempPath(), "never.npy"))), "--timesteps");
}
