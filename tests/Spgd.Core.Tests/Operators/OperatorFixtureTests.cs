using Spgd.Core.Arrays;
using Spgd.Core.Operators;
using Spgd.Tests;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Operators;

/// <summary>Every operator against the official implementation's outputs on fixtures/operators/x.npy.</summary>
public class OperatorFixtureTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    private static Tensor Load(string name) => NpyFile.Read(TestPaths.Fixture("operators", name)).ToTensor();

    private double CheckAgainstFixture(ForwardOperator op, string expectedFile)
    {
        using var scope = NewDisposeScope();
        var x = Load("x.npy");
        var expected = Load(expectedFile);
        var actual = op.Apply(x);
        Assert.Equal(expected.shape, actual.shape);
        double error = (actual - expected).norm().item<float>() / expected.norm().item<float>();
        output.WriteLine($"{op.Task}: relative L2 error {error:E3}");
        Assert.True(error < Tolerance, $"{op.Task}: relative L2 error {error:E3} >= {Tolerance}");
        return error;
    }

    [Theory]
    [InlineData(TaskNames.InpaintingRandom, "inpainting_random_mask.npy")]
    [InlineData(TaskNames.InpaintingBox, "inpainting_box_mask.npy")]
    [InlineData(TaskNames.GaussianBlur, "gaussian_blur_kernel.npy")]
    [InlineData(TaskNames.MotionBlur, "motion_blur_kernel.npy")]
    public void OperatorWithFixtureMaskOrKernelMatchesReference(string task, string maskOrKernelFile)
    {
        using var data = Load(maskOrKernelFile);
        using var op = OperatorFactory.Create(new OperatorSettings(task), 64, 64, data);
        CheckAgainstFixture(op, task + ".npy");
    }

    [Theory]
    [InlineData(TaskNames.GaussianBlur)]
    [InlineData(TaskNames.SuperResolution)]
    [InlineData(TaskNames.PhaseRetrieval)]
    [InlineData(TaskNames.Hdr)]
    public void SeededOperatorWithReferenceDefaultsMatchesReference(string task)
    {
        // These need no random draw: the factory's defaults alone must reproduce the reference.
        using var op = OperatorFactory.Create(new OperatorSettings(task), 64, 64, seed: 7);
        CheckAgainstFixture(op, task + ".npy");
    }

    [Fact]
    public void GeneratedGaussianKernelMatchesScipyKernel()
    {
        using var expected = Load("gaussian_blur_kernel.npy");
        using var actual = GaussianKernel.Create(61, 3.0);
        double maxError = (actual - expected).abs().max().item<float>();
        output.WriteLine($"gaussian kernel max abs error {maxError:E3}");
        Assert.True(maxError < 1e-8, $"max abs error {maxError:E3}");
    }

    [Theory]
    [InlineData(ConvolutionMethod.Direct)]
    [InlineData(ConvolutionMethod.Fft)]
    public void MotionBlurMatchesReferenceWithEitherMethod(ConvolutionMethod method)
    {
        using var kernel = Load("motion_blur_kernel.npy");
        using var op = new BlurOperator(TaskNames.MotionBlur, kernel, method);
        Assert.Equal(method, op.Method);
        CheckAgainstFixture(op, "motion_blur.npy");
    }

    [Fact]
    public void FixtureMasksHaveTheReferenceGeometry()
    {
        // Our generators follow the same policy: 80 % dropped; a box of half the side inside an eighth margin.
        using var random = Load("inpainting_random_mask.npy");
        Assert.Equal(Math.Floor(64 * 64 * 0.2 + 0.5) / 4096.0, random.mean().item<float>(), 3);
        using var generated = InpaintingMasks.Random(64, 64, 0.8, seed: 1);
        Assert.Equal(random.sum().item<float>(), generated.sum().item<float>());
        using var box = Load("inpainting_box_mask.npy");
        Assert.Equal(64 * 64 - 32 * 32, box.sum().item<float>());
    }
}
