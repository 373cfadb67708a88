using Spgd.Core.Checkpoints;
using Spgd.Core.Metrics;
using Spgd.Tests;
using Xunit.Abstractions;

namespace Spgd.Core.Tests.Metrics;

public class LpipsParityTests(ITestOutputHelper output)
{
    [Fact]
    public void MatchesPiqOnTheFixtures()
    {
        var linear = CheckpointReader.Load(TestPaths.Fixture("lpips", "lpips_v0.1_vgg.pth"));
        using var lpips = Lpips.FromStateDicts(SyntheticVgg16.StateDict(), linear);
        using var reference = MetricFixtures.Load("reference");
        foreach (var pair in new[] { "noisy", "blurred" })
        {
            using var candidate = MetricFixtures.Load(pair);
            using var d = lpips.Compute(reference, candidate);
            var expected = MetricFixtures.ExpectedLpips(pair);
            var actual = d.data<float>().ToArray();
            output.WriteLine($"{pair}: max |Δ| = {expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max():E2}");
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"{pair} image {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public void LoadsWeightFilesAndNamesTheFileOfAMissingKey()
    {
        var dir = TestPaths.NewTempDir();
        try
        {
            var vggPath = Path.Combine(dir, "vgg16.safetensors");
            var vgg = SyntheticVgg16.StateDict();
            CheckpointReader.SaveSafetensors(vggPath, vgg);
            using (var lpips = Lpips.Load(vggPath, TestPaths.Fixture("lpips", "lpips_v0.1_vgg.pth")))
            using (var reference = MetricFixtures.Load("reference")[..1, .., ..32, ..32])
            using (var d = lpips.Compute(reference, reference.clone()))
                Assert.Equal(0f, d.item<float>());

            vgg.Remove("features.28.bias");
            CheckpointReader.SaveSafetensors(vggPath, vgg);
            var e = Assert.Throws<ArgumentException>(() => Lpips.Load(vggPath, TestPaths.Fixture("lpips", "lpips_v0.1_vgg.pth")));
            Assert.Contains(vggPath, e.Message);
            Assert.Contains("features.28.bias", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
