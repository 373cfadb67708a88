using Spgd.Core.Operators;
using Spgd.Core.Tests.TestSupport;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Operators;

/// <summary><see cref="OperatorSvd"/> is A's decomposition: Uᵀ·A(x) = Σ·Vᵀx, V is orthogonal, and operators without a
/// cheap exact SVD are refused with the reason.</summary>
public class OperatorSvdTests
{
    public static TheoryData<string> Tasks => [TaskNames.InpaintingRandom, TaskNames.SuperResolution, TaskNames.GaussianBlur];

    [Theory]
    [MemberData(nameof(Tasks))]
    public void DiagonalisesTheOperator(string task)
    {
        using var op = Build(task, 32);
        using var svd = OperatorSvd.For(op, 32, 32);
        using var gen = new TorchSharp.torch.Generator(7);
        using var x = randn([2, 3, 32, 32], generator: gen);
        using var measured = svd.Ut(op.Apply(x));
        using var spectral = svd.Singulars * svd.Vt(x);
        Assert.True(Fixtures.RelativeL2(measured, spectral) < 1e-5, $"{task}: Uᵀ A x ≠ Σ Vᵀ x");
        using var back = svd.V(svd.Vt(x));
        Assert.True(Fixtures.RelativeL2(back, x) < 1e-5, $"{task}: V Vᵀ ≠ I");
        Assert.True(Fixtures.RelativeL2(svd.Vt(x).norm().reshape(1), x.norm().reshape(1)) < 1e-5, $"{task}: Vᵀ is not norm-preserving");
    }

    [Fact]
    public void FloorZeroesSmallSingularValues()
    {
        using var op = Build(TaskNames.GaussianBlur, 32);
        using var raw = OperatorSvd.For(op, 32, 32);
        using var floored = OperatorSvd.For(op, 32, 32, zeroBelow: 3e-2);
        Assert.True(raw.Singulars.gt(0).sum().item<long>() > floored.Singulars.gt(0).sum().item<long>());
        Assert.True(floored.Singulars.gt(0).sum().item<long>() > 0);
    }

    [Fact]
    public void RefusesOperatorsWithoutACheapSvd()
    {
        using var motion = new BlurOperator(TaskNames.MotionBlur, MotionBlurKernel.Generate(9, 0.5, 3));
        Assert.Contains("not separable", Assert.Throws<NotSupportedException>(() => OperatorSvd.For(motion, 32, 32)).Message);
        using var phase = new PhaseRetrievalOperator(32, 32, 2.0);
        Assert.Contains("not linear", Assert.Throws<NotSupportedException>(() => OperatorSvd.For(phase, 32, 32)).Message);
    }

    internal static ForwardOperator Build(string task, int size) => task switch
    {
        TaskNames.InpaintingRandom => new InpaintingOperator(task, rand(size, size, generator: new TorchSharp.torch.Generator(3)).gt(0.5).to(ScalarType.Float32)),
        TaskNames.SuperResolution => new SuperResolutionOperator(size, size, 4),
        _ => new BlurOperator(task, GaussianKernel.Create(9, 1.0)),
    };
}
