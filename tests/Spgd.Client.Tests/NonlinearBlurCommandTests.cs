using Spgd.Tests;
using Xunit.Abstractions;

namespace Spgd.Client.Tests;

/// <summary>
/// <c>spgd operator|restore --task nonlinear_blur</c> against the official code's fixtures in tests/fixtures/nonlinear_blur
/// (random KernelWizard weights, nf 4; written by scripts/fixtures/nonlinear_blur.py).
/// </summary>
public class NonlinearBlurCommandTests(ITestOutputHelper output)
{
    private static string F(params string[] parts) => Path.Combine([TestPaths.RepoRoot, "tests", "fixtures", "nonlinear_blur", .. parts]);

    private static string[] Network => ["--blur-model", F("checkpoint.pth"), "--blur-options", F("kernel_wizard.yml")];

    [Fact]
    public void Operator_reproduces_the_reference_blur()
    {
        var dir = TestPaths.NewTempDir();
        try
        {
            var y = Path.Combine(dir, "y.npy");
            var r = SpgdProcess.Run(["operator", "--task", "nonlinear_blur", .. Network, "--input", F("x.npy"), "--output", y]);
            Assert.True(r.ExitCode == 0, r.ToString());
            output.WriteLine($"relative L2 error {NpyAssert.RelativeL2Below(F("y.npy"), y, 1e-4):E2}");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Restore_reproduces_the_official_sampler()
    {
        var dir = TestPaths.NewTempDir();
        try
        {
            var o = Path.Combine(dir, "out.npy");
            var r = SpgdProcess.Run(["restore", "--task", "nonlinear_blur", .. Network,
                "--measurement", F("spgd", "y.npy"), "--x-start", F("spgd", "x_T.npy"),
                "--steps", "4", "--warmup", "3", "--lr", "1", "--lr-min-ratio", "0.01", "--beta", "0.9", "--preset", "reference",
                "--sigma-max", "100", "--sigma-min", "0.1",
                "--prior", "spectral-gaussian", "--prior-variance", "0.25", "--prior-alpha", "2", "--output", o]);
            Assert.True(r.ExitCode == 0, r.ToString());
            output.WriteLine($"relative L2 error {NpyAssert.RelativeL2Below(F("spgd", "output.npy"), o, 1e-3):E2}");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Without_a_blur_model_the_task_is_refused_saying_what_to_provide() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("operator", "--task", "nonlinear_blur", "--input", F("x.npy"),
            "--output", Path.Combine(Path.GetTempPath(), "never.npy")), "--blur-model PATH: BKSE's trained KernelWizard (GOPRO_wVAE.pth");

    [Fact]
    public void A_blur_model_for_another_task_is_refused() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("operator", "--task", "hdr", "--blur-model", F("checkpoint.pth"), "--input", F("x.npy"),
            "--output", Path.Combine(Path.GetTempPath(), "never.npy")), "apply only to --task nonlinear_blur");

    [Fact]
    public void A_checkpoint_of_another_architecture_is_refused_in_one_line() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("operator", "--task", "nonlinear_blur", "--blur-model", F("checkpoint.pth"),
            "--input", F("x.npy"), "--output", Path.Combine(Path.GetTempPath(), "never.npy")), "feature_extractor");
}
