using System.Text.Json;
using Spgd.Core.Operators;
using Spgd.Core.Tests.TestSupport;

namespace Spgd.Core.Tests.Operators.NonlinearBlur;

/// <summary>NumPy's legacy generator against values NumPy produced (tests/fixtures/numpy_random, scripts/fixtures/nonlinear_blur.py).</summary>
public class NumpyRandomStateTests
{
    private static readonly JsonElement Doc =
        JsonDocument.Parse(File.ReadAllText(RepoFixtures.Path("numpy_random", "legacy_random_state.json"))).RootElement;

    private static double[] Values(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    [Fact]
    public void Seed_zero_kernel_code_is_numpys_bit_for_bit()
    {
        var expected = Values(Doc.GetProperty("seed0_kernel_1x512x2x2_times_1.2"));
        Assert.Equal(2048, expected.Length);
        var state = new NumpyRandomState(0);
        var actual = state.Gaussians(2048).Select(v => v * 1.2).ToArray();
        for (var i = 0; i < expected.Length; i++) Assert.True(expected[i] == actual[i], $"draw {i}: numpy {expected[i]:R}, ours {actual[i]:R}");
    }

    [Fact]
    public void Cached_second_normal_survives_uniform_draws()
    {
        // randn(3) consumes two pairs and caches one value; rand(2) leaves it cached; randn(4) returns it first.
        var doc = Doc.GetProperty("seed12345_interleaved");
        var state = new NumpyRandomState(12345);
        Assert.Equal(Values(doc.GetProperty("randn_3")), state.Gaussians(3));
        Assert.Equal(Values(doc.GetProperty("rand_2")), new[] { state.NextDouble(), state.NextDouble() });
        Assert.Equal(Values(doc.GetProperty("randn_4")), state.Gaussians(4));
    }

    [Fact]
    public void Largest_seed_matches()
    {
        Assert.Equal(Values(Doc.GetProperty("seed4294967295_randn_5")), new NumpyRandomState(uint.MaxValue).Gaussians(5));
    }

    [Fact]
    public void Reference_code_is_the_seeded_draws_as_float32()
    {
        var options = Spgd.Core.Models.Bkse.KernelWizardOptions.GoproWvae;
        using var code = NonlinearBlurOperator.ReferenceCode(options, 256, 256);
        Assert.Equal([1L, 512, 2, 2], code.shape);
        var expected = Values(Doc.GetProperty("seed0_kernel_1x512x2x2_times_1.2")).Select(v => (float)v).ToArray();
        Assert.Equal(expected, code.data<float>().ToArray());
    }
}
