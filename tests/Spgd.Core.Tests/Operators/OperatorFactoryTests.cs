using Spgd.Core.Arrays;
using Spgd.Core.Operators;
using Spgd.Tests;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Operators;

public class OperatorFactoryTests
{
    [Theory]
    [InlineData("inpainting_rand", typeof(InpaintingOperator))]
    [InlineData("inpainting_box", typeof(InpaintingOperator))]
    [InlineData("gaussian_blur", typeof(BlurOperator))]
    [InlineData("motion_blur", typeof(BlurOperator))]
    [InlineData("down_sampling", typeof(SuperResolutionOperator))]
    [InlineData("phase_retrieval", typeof(PhaseRetrievalOperator))]
    [InlineData("high_dynamic_range", typeof(HdrOperator))]
    public void CreatesTheOperatorOfEachTask(string task, Type expected)
    {
        using var op = OperatorFactory.Create(new OperatorSettings(task), 64, 64, seed: 1);
        Assert.IsType(expected, op);
        Assert.Equal(TaskNames.Normalize(task), op.Task);
    }

    [Theory]
    [InlineData(TaskNames.InpaintingRandom)]
    [InlineData(TaskNames.InpaintingBox)]
    [InlineData(TaskNames.MotionBlur)]
    public void RandomOperatorsDependOnlyOnTheSeed(string task)
    {
        using var scope = NewDisposeScope();
        var x = rand(1, 3, 64, 64) * 2 - 1;
        using var a = OperatorFactory.Create(new OperatorSettings(task), 64, 64, seed: 5);
        using var b = OperatorFactory.Create(new OperatorSettings(task), 64, 64, seed: 5);
        using var c = OperatorFactory.Create(new OperatorSettings(task), 64, 64, seed: 6);
        Assert.True(a.Apply(x).SameAs(b.Apply(x)));
        Assert.False(a.Apply(x).SameAs(c.Apply(x)));
    }

    [Fact]
    public void RandomMaskDropsTheConfiguredFractionInEveryChannel()
    {
        using var op = (InpaintingOperator)OperatorFactory.Create(new OperatorSettings(TaskNames.InpaintingRandom), 256, 256, seed: 2);
        Assert.Equal(65536 - Math.Floor(65536 * 0.8), op.KeptFraction * 65536, 3);
        using var mask = op.Mask;
        Assert.Equal(new long[] { 1, 1, 256, 256 }, mask.shape);
    }

    [Fact]
    public void BoxMaskFollowsTheReferencePolicy()
    {
        for (ulong seed = 0; seed < 8; seed++)
        {
            using var scope = NewDisposeScope();
            var mask = InpaintingMasks.Box(256, 256, 128, 32, BoxPlacement.Random, seed)[0, 0];
            var holeRows = (mask == 0).any(1).nonzero().flatten();
            var holeCols = (mask == 0).any(0).nonzero().flatten();
            Assert.Equal(128, holeRows.shape[0]);
            Assert.Equal(128, holeCols.shape[0]);
            Assert.InRange(holeRows[0].item<long>(), 32, 95); // randint(32, 256 − 32 − 128)
            Assert.InRange(holeCols[0].item<long>(), 32, 95);
        }
        using var centred = InpaintingMasks.Box(64, 64, 32, 8, BoxPlacement.Center, 0);
        Assert.Equal(0f, centred[0, 0, 16, 16].item<float>());
        Assert.Equal(1f, centred[0, 0, 15, 16].item<float>());
        Assert.Equal(0f, centred[0, 0, 47, 47].item<float>());
        Assert.Equal(1f, centred[0, 0, 48, 47].item<float>());
    }

    [Fact]
    public void KernelAndMaskFilesAreUsed()
    {
        var dir = TestPaths.NewTempDir();
        try
        {
            using var scope = NewDisposeScope();
            var kernelPath = Path.Combine(dir, "k.npy");
            var maskPath = Path.Combine(dir, "m.npy");
            var kernel = zeros(5, 5);
            kernel[2, 2] = 1f; // identity blur
            NpyFile.Write(kernelPath, NpyArray.FromTensor(kernel));
            var mask = zeros(32, 32);
            NpyFile.Write(maskPath, NpyArray.FromTensor(mask));
            var x = rand(1, 3, 32, 32);
            using var blur = OperatorFactory.Create(new OperatorSettings(TaskNames.MotionBlur) { KernelPath = kernelPath }, 32, 32, 0);
            Assert.True(blur.Apply(x).allclose(x));
            using var inpaint = OperatorFactory.Create(new OperatorSettings(TaskNames.InpaintingBox) { MaskPath = maskPath }, 32, 32, 0);
            Assert.Equal(0f, inpaint.Apply(x).abs().sum().item<float>());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void InvalidSettingsListEveryProblem()
    {
        var settings = new OperatorSettings(TaskNames.GaussianBlur, NoiseSigma: -1) { KernelSize = 60, GaussianStd = 0, MaskPath = "m.npy" };
        var e = Assert.Throws<ArgumentException>(() => OperatorFactory.Create(settings, 64, 64, 0));
        Assert.Contains("NoiseSigma", e.Message);
        Assert.Contains("KernelSize: 60", e.Message);
        Assert.Contains("GaussianStd", e.Message);
        Assert.Contains("MaskPath", e.Message);
        Assert.Contains("unknown task", Assert.Throws<ArgumentException>(() => OperatorFactory.Create(new OperatorSettings("nope"), 64, 64, 0)).Message);
        Assert.Contains("not found", string.Join(";", new OperatorSettings(TaskNames.MotionBlur) { KernelPath = "/nonexistent/k.npy" }.Problems()));
    }

    [Fact]
    public void ExplicitTensorsMustFitTheTask()
    {
        using var mask = ones(1, 1, 32, 32);
        Assert.Contains("does not match", Assert.Throws<ArgumentException>(() => OperatorFactory.Create(new OperatorSettings(TaskNames.InpaintingBox), 64, 64, mask)).Message);
        Assert.Contains("takes no mask", Assert.Throws<ArgumentException>(() => OperatorFactory.Create(new OperatorSettings(TaskNames.Hdr), 32, 32, mask)).Message);
    }

    [Fact]
    public void NoiseDefaultsToThePapers()
    {
        // The paper's σ_y = 0.01 for every task (Table 1), defined once in the vocabulary.
        Assert.Equal(0.01, new OperatorSettings(TaskNames.Hdr).NoiseSigma);
        Assert.Equal(SamplerDefaults.NoiseSigma, new OperatorSettings(TaskNames.SuperResolution).NoiseSigma);
    }
}
