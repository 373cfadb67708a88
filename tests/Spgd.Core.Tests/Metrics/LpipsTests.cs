using Spgd.Core.Metrics;
using TorchSharp;

namespace Spgd.Core.Tests.Metrics;

public class LpipsTests
{
    /// <summary>Uniform positive linear weights: enough for properties that hold for any weights.</summary>
    private static Dictionary<string, torch.Tensor> UniformLinearWeights() =>
        new[] { 64, 128, 256, 512, 512 }.Select((c, k) => (k, c))
            .ToDictionary(p => $"lin{p.k}.model.1.weight", p => torch.full(1, p.c, 1, 1, 0.1f));

    [Fact]
    public void IdenticalImagesAreAtDistanceZeroAndDifferentOnesAreNot()
    {
        using var lpips = Lpips.FromStateDicts(SyntheticVgg16.StateDict(), UniformLinearWeights());
        using var reference = MetricFixtures.Load("reference")[.., .., ..64, ..64];
        using var noisy = MetricFixtures.Load("noisy")[.., .., ..64, ..64];
        using var same = lpips.Compute(reference, reference.clone());
        using var different = lpips.Compute(reference, noisy);
        Assert.All(same.data<float>().ToArray(), d => Assert.Equal(0f, d));
        Assert.All(different.data<float>().ToArray(), d => Assert.True(d > 1e-4, $"distance {d}"));
    }

    [Fact]
    public void MetricSetReportsLpipsWhenConfigured()
    {
        using var set = new MetricSet(Lpips.FromStateDicts(SyntheticVgg16.StateDict(), UniformLinearWeights()));
        using var reference = MetricFixtures.Load("reference")[..1, .., ..32, ..32];
        var m = Assert.Single(set.Compute(reference, reference.clone()));
        Assert.Equal(0.0, m.Lpips);
        Assert.Equal(1.0, m.Ssim, 5);
    }

    [Fact]
    public void MissingOrMisshapenWeightsAreNamed()
    {
        var vgg = SyntheticVgg16.StateDict();
        var lin = UniformLinearWeights();
        lin.Remove("lin3.model.1.weight");
        var missing = Assert.Throws<ArgumentException>(() => Lpips.FromStateDicts(vgg, lin));
        Assert.Contains("lin3.model.1.weight", missing.Message);

        lin = UniformLinearWeights();
        vgg["features.5.weight"] = torch.zeros(128, 64, 5, 5);
        var shape = Assert.Throws<ArgumentException>(() => Lpips.FromStateDicts(vgg, lin));
        Assert.Contains("features.5.weight", shape.Message);
        Assert.Contains("(128, 64, 3, 3)", shape.Message);
    }

    [Fact]
    public void GreyscaleImagesAreRejected()
    {
        using var lpips = Lpips.FromStateDicts(SyntheticVgg16.StateDict(), UniformLinearWeights());
        using var grey = torch.zeros(1, 1, 32, 32);
        Assert.Throws<ArgumentException>(() => lpips.Compute(grey, grey));
    }
}
