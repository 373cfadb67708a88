using System.Globalization;
using System.Text.Json;
using Spgd.Tests;
using Xunit.Abstractions;

namespace Spgd.Client.Tests;

public class DenoiseCommandTests(ITestOutputHelper output)
{
    [Fact]
    public void SpectralGaussianPriorMatchesTheClosedForm()
    {
        var dir = TestPaths.NewTempDir();
        try
        {
            var o = Path.Combine(dir, "out.npy");
            var r = SpgdProcess.Run("denoise", "--prior", "spectral-gaussian", "--prior-variance", "0.25", "--prior-alpha", "2",
                "--input", TestPaths.Fixture("prior", "input.npy"), "--sigma", "0.7", "--output", o);
            Assert.True(r.ExitCode == 0, r.ToString());
            output.WriteLine($"relative L2 error {NpyAssert.RelativeL2Below(TestPaths.Fixture("prior", "denoised_sigma0.7.npy"), o, 1e-4):E2}");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void UNetDenoiserMatchesTheReference()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("unet", "denoise.json")));
        var sigmas = doc.RootElement.GetProperty("sigmas").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var dir = TestPaths.NewTempDir();
        try
        {
            for (int i = 0; i < sigmas.Length; i++)
            {
                var o = Path.Combine(dir, $"out{i}.npy");
                var r = SpgdProcess.Run("denoise", "--config", TestPaths.Fixture("unet", "config.json"), "--checkpoint", TestPaths.Fixture("unet", "checkpoint.pt"),
                    "--input", TestPaths.Fixture("unet", $"denoise_{i}_input.npy"), "--sigma", sigmas[i].ToString("R", CultureInfo.InvariantCulture), "--output", o);
                Assert.True(r.ExitCode == 0, r.ToString());
                output.WriteLine($"σ {sigmas[i]}: relative L2 error {NpyAssert.RelativeL2Below(TestPaths.Fixture("unet", $"denoise_{i}_output.npy"), o, 1e-4):E2}");
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void APriorMustBeChosen() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("denoise", "--input", TestPaths.Fixture("prior", "input.npy"), "--sigma", "0.7",
            "--output", Path.Combine(Path.GetTempPath(), "never.npy")), "--prior");

    [Fact]
    public void UNetAndPriorExcludeEachOther() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("denoise", "--prior", "spectral-gaussian", "--config", TestPaths.Fixture("unet", "config.json"),
            "--checkpoint", TestPaths.Fixture("unet", "checkpoint.pt"), "--input", TestPaths.Fixture("prior", "input.npy"), "--sigma", "0.7",
            "--output", Path.Combine(Path.GetTempPath(), "never.npy")), "--prior");

    [Fact]
    public void NegativeSigmaIsOutOfRange() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("denoise", "--prior", "spectral-gaussian", "--input", TestPaths.Fixture("prior", "input.npy"),
            "--sigma", "-1", "--output", Path.Combine(Path.GetTempPath(), "never.npy")), "--sigma");

    [Fact]
    public void UnknownPriorIsRejected() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("denoise", "--prior", "laplace", "--input", TestPaths.Fixture("prior", "input.npy"),
            "--sigma", "1", "--output", Path.Combine(Path.GetTempPath(), "never.npy")), "laplace");
}
