using System.Globalization;
using System.Text.Json;
using Spgd.Core.Arrays;
using Spgd.Core.Imaging;
using Spgd.Core.Models;
using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using Spgd.Tests;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Client.Tests;

public class RestoreCommandTests(ITestOutputHelper output)
{
    /// <summary>spgd restore's low-level form on a spgd/ fixture folder, with the settings of its config.json.
    /// (The unet_* folders are not replayable from their x_start.npy, which the official code overwrote in place;
    /// Spgd.Core.Tests recovers x_T for them. <see cref="UNetRestoreRunsTheCoreSampler"/> covers the CLI's UNet path.)</summary>
    [Theory]
    [InlineData("prior_inpainting_random_paper")]
    [InlineData("prior_inpainting_random_reference")]
    [InlineData("prior_gaussian_blur_paper")]
    [InlineData("prior_super_resolution_paper_dsg")]
    public void MatchesTheOfficialSampler(string run)
    {
        var dir = TestPaths.NewTempDir();
        try
        {
            var o = Path.Combine(dir, "out.npy");
            var r = SpgdProcess.Run([.. FixtureArgs(run), "--output", o]);
            Assert.True(r.ExitCode == 0, r.ToString());
            output.WriteLine($"{run}: relative L2 error {NpyAssert.RelativeL2Below(TestPaths.Fixture("spgd", run, "output.npy"), o, 1e-3):E2}");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void UNetRestoreRunsTheCoreSampler()
    {
        const string run = "unet_inpainting_random_reference";
        var dir = TestPaths.NewTempDir();
        try
        {
            var o = Path.Combine(dir, "out.npy");
            var args = FixtureArgs(run).ToList();
            args[args.IndexOf("--steps") + 1] = "2";
            args[args.IndexOf("--warmup") + 1] = "1";
            var r = SpgdProcess.Run([.. args, "--output", o]);
            Assert.True(r.ExitCode == 0, r.ToString());

            var options = new SpgdOptions { Steps = 2, Warmup = 1, LearningRate = 0.05, Preset = SpgdPreset.Reference, Beta = 0.9 };
            using var denoiser = UNetLoader.LoadDenoiser(UNetConfig.FromJsonFile(TestPaths.Fixture("unet", "config.json")), TestPaths.Fixture("unet", "checkpoint.pt"), CPU);
            using var mask = NpyFile.Read(TestPaths.Fixture("operators", "inpainting_random_mask.npy")).ToTensor();
            using var op = OperatorFactory.Create(new OperatorSettings(TaskNames.InpaintingRandom), 64, 64, mask);
            using var xStart = NpyFile.Read(TestPaths.Fixture("spgd", run, "x_start.npy")).ToTensor();
            using var y = NpyFile.Read(TestPaths.Fixture("spgd", run, "y.npy")).ToTensor();
            using var expected = new SpgdSampler(denoiser, options).Sample(xStart, y, op);
            var e = Path.Combine(dir, "expected.npy");
            NpyFile.Write(e, NpyArray.FromTensor(expected));
            output.WriteLine($"relative L2 error vs in-process sampler {NpyAssert.RelativeL2Below(e, o, 1e-5):E2}");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void MeasurementOfTheWrongShapeIsRejected()
    {
        var args = FixtureArgs("prior_super_resolution_paper_dsg").ToList();
        args[args.IndexOf("--measurement") + 1] = TestPaths.Fixture("spgd", "prior_super_resolution_paper_dsg", "x_start.npy");
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run([.. args, "--output", Path.Combine(Path.GetTempPath(), "never.npy")]), "(1, 3, 16, 16)");
    }

    [Fact]
    public void MixingTheTwoFormsIsRejected()
    {
        var photo = Directory.EnumerateFiles(TestPaths.FfhqDemo, "*.png").Order().First();
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run([.. FixtureArgs("prior_inpainting_random_paper"), "--image", photo, "--out", Path.GetTempPath()]), "--image");
    }

    [Fact]
    public void LearningRateOutOfRangeIsRejected() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run([.. FixtureArgs("prior_inpainting_random_paper"), "--lr", "0", "--output", Path.Combine(Path.GetTempPath(), "never.npy")]), "--lr");

    [Fact]
    public void A_baseline_restores_a_photo_at_its_protocol_and_reports_its_evaluations()
    {
        var photo = Directory.EnumerateFiles(TestPaths.FfhqDemo, "*.png").Order().First();
        var dir = TestPaths.NewTempDir();
        try
        {
            var r = SpgdProcess.Run("restore", "--image", photo, "--size", "32", "--task", "gaussian_blur", "--seed", "3", "--algorithm", "ddrm", "--out", dir);
            Assert.True(r.ExitCode == 0, r.ToString());
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")));
            // DDRM's protocol: 20 steps, one network evaluation each.
            Assert.Equal(20, metrics.RootElement.GetProperty("network_evaluations").GetInt32());
            Assert.True(metrics.RootElement.GetProperty("psnr").GetDouble() > 10, r.ToString());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("motion_blur", new string[0], "--algorithm ddrm cannot run motion_blur")]
    [InlineData("gaussian_blur", new[] { "--steps", "5" }, "--steps does not apply to --algorithm ddrm")]
    public void A_baseline_is_refused_in_one_line_where_it_cannot_run_or_a_flag_would_not_reach_it(string task, string[] extra, string expected)
    {
        var photo = Directory.EnumerateFiles(TestPaths.FfhqDemo, "*.png").Order().First();
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run(["restore", "--image", photo, "--size", "32", "--task", task, "--algorithm", "ddrm", .. extra,
            "--out", Path.Combine(Path.GetTempPath(), "never")]), expected);
    }

    [Fact]
    public void RestoresAPhotoAndReportsItsMetrics()
    {
        var photo = Directory.EnumerateFiles(TestPaths.FfhqDemo, "*.png").Order().First();
        var dir = TestPaths.NewTempDir();
        try
        {
            var r = SpgdProcess.Run("restore", "--image", photo, "--size", "64", "--task", "inpainting_random", "--seed", "3",
                "--steps", "6", "--warmup", "3", "--out", dir);
            Assert.True(r.ExitCode == 0, r.ToString());
            foreach (var name in new[] { "ground_truth.png", "measurement.png", "restored.png" })
            {
                using var image = ImageIO.Load(Path.Combine(dir, name), 64);
                Assert.Equal([1L, 3, 64, 64], image.shape);
            }
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")));
            double psnr = metrics.RootElement.GetProperty("psnr").GetDouble(), ssim = metrics.RootElement.GetProperty("ssim").GetDouble();
            output.WriteLine($"PSNR {psnr:0.00} dB, SSIM {ssim:0.000}");
            // 80% of the pixels are missing: anything far from the photo would score well under 15 dB.
            Assert.InRange(psnr, 15, 80);
            Assert.InRange(ssim, 0.2, 1);
            Assert.Equal(JsonValueKind.Null, metrics.RootElement.GetProperty("lpips").ValueKind);
            Assert.Contains(psnr.ToString("0.00", CultureInfo.InvariantCulture), r.Stdout);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void CorruptPhotoFailsCleanly()
    {
        var dir = TestPaths.NewTempDir();
        try
        {
            var photo = Path.Combine(dir, "broken.png");
            var bytes = File.ReadAllBytes(Directory.EnumerateFiles(TestPaths.FfhqDemo, "*.png").Order().First());
            File.WriteAllBytes(photo, bytes[..(bytes.Length / 3)]);
            SpgdProcess.AssertCleanFailure(SpgdProcess.Run("restore", "--image", photo, "--task", "hdr", "--out", Path.Combine(dir, "out")), "broken.png");
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>The command line that reruns a fixture folder: task and mask/kernel from its name, sampler settings from config.json.</summary>
    private static string[] FixtureArgs(string run)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("spgd", run, "config.json")));
        var c = config.RootElement;
        string task = run.Replace("prior_", "").Replace("unet_", "").Replace("_paper", "").Replace("_reference", "").Replace("_dsg", "");
        List<string> args = ["restore", "--task", task,
            "--measurement", TestPaths.Fixture("spgd", run, "y.npy"), "--x-start", TestPaths.Fixture("spgd", run, "x_start.npy"),
            "--steps", c.GetProperty("annealing").GetProperty("num_steps").GetInt32().ToString(CultureInfo.InvariantCulture),
            "--warmup", c.GetProperty("warmup_steps").GetInt32().ToString(CultureInfo.InvariantCulture),
            "--lr", Number(c.GetProperty("lr")), "--lr-min-ratio", Number(c.GetProperty("lr_min_ratio")),
            "--beta", Number(c.GetProperty("beta")), "--preset", c.GetProperty("preset").GetString()!,
            "--sigma-max", Number(c.GetProperty("annealing").GetProperty("sigma_max")), "--sigma-min", Number(c.GetProperty("annealing").GetProperty("sigma_min"))];
        if (c.GetProperty("diffstategrad_tau").ValueKind == JsonValueKind.Number) args.AddRange(["--diffstategrad-tau", Number(c.GetProperty("diffstategrad_tau"))]);
        if (task.StartsWith("inpainting", StringComparison.Ordinal)) args.AddRange(["--mask", TestPaths.Fixture("operators", task + "_mask.npy")]);
        if (task.EndsWith("blur", StringComparison.Ordinal)) args.AddRange(["--kernel", TestPaths.Fixture("operators", task + "_kernel.npy")]);
        if (run.StartsWith("unet_", StringComparison.Ordinal))
            args.AddRange(["--config", TestPaths.Fixture("unet", "config.json"), "--checkpoint", TestPaths.Fixture("unet", "checkpoint.pt")]);
        else
            args.AddRange(["--prior", "spectral-gaussian", "--prior-variance", "0.25", "--prior-alpha", "2"]);
        return [.. args];
    }

    private static string Number(JsonElement e) => e.GetDouble().ToString("R", CultureInfo.InvariantCulture);
}
