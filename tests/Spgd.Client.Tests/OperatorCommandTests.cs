using Spgd.Tests;
using Xunit.Abstractions;

namespace Spgd.Client.Tests;

public class OperatorCommandTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("inpainting_random", "--mask", "inpainting_random_mask.npy")]
    [InlineData("inpainting_box", "--mask", "inpainting_box_mask.npy")]
    [InlineData("gaussian_blur", "--kernel", "gaussian_blur_kernel.npy")]
    [InlineData("motion_blur", "--kernel", "motion_blur_kernel.npy")]
    [InlineData("super_resolution", null, null)]
    [InlineData("phase_retrieval", null, null)]
    [InlineData("hdr", null, null)]
    public void MatchesTheReferenceOperator(string task, string? option, string? file)
    {
        var dir = TestPaths.NewTempDir();
        try
        {
            var y = Path.Combine(dir, "y.npy");
            List<string> args = ["operator", "--task", task, "--input", TestPaths.Fixture("operators", "x.npy"), "--output", y];
            if (option is not null) args.AddRange([option, TestPaths.Fixture("operators", file!)]);
            var r = SpgdProcess.Run([.. args]);
            Assert.True(r.ExitCode == 0, r.ToString());
            var error = NpyAssert.RelativeL2Below(TestPaths.Fixture("operators", task + ".npy"), y, 1e-4);
            output.WriteLine($"{task}: relative L2 error {error:E2}");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void MaskForATaskWithoutOneIsRejected() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("operator", "--task", "hdr", "--mask", TestPaths.Fixture("operators", "inpainting_box_mask.npy"),
            "--input", TestPaths.Fixture("operators", "x.npy"), "--output", Path.Combine(Path.GetTempPath(), "never.npy")), "--mask");

    [Fact]
    public void UnknownTaskListsTheValidOnes() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("operator", "--task", "deblurring", "--input", TestPaths.Fixture("operators", "x.npy"),
            "--output", Path.Combine(Path.GetTempPath(), "never.npy")), "gaussian_blur");

    [Fact]
    public void MaskOfTheWrongSizeIsRejected() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("operator", "--task", "inpainting_box", "--mask", TestPaths.Fixture("operators", "gaussian_blur_kernel.npy"),
            "--input", TestPaths.Fixture("operators", "x.npy"), "--output", Path.Combine(Path.GetTempPath(), "never.npy")), "64×64");

    [Fact]
    public void NegativeNoiseIsOutOfRange() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("operator", "--task", "hdr", "--noise-sigma", "-0.5", "--input", TestPaths.Fixture("operators", "x.npy"),
            "--output", Path.Combine(Path.GetTempPath(), "never.npy")), "--noise-sigma");

    [Fact]
    public void NonImageInputIsRejected() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("operator", "--task", "hdr", "--input", TestPaths.Fixture("unet", "t.npy"),
            "--output", Path.Combine(Path.GetTempPath(), "never.npy")), "(N, C, H, W)");
}
