using System.Text.Json;
using Spgd.Core.Arrays;
using Spgd.Tests;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.TestSupport;

/// <summary>Reads the reference fixtures and compares tensors against them.</summary>
internal static class Fixtures
{
    public static Tensor Load(params string[] parts) => NpyFile.Read(TestPaths.Fixture(parts)).ToTensor();

    public static JsonElement Json(params string[] parts) => JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture(parts))).RootElement;

    public static double[] Doubles(JsonElement element, string key) =>
        element.GetProperty(key).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    /// <summary>‖actual − expected‖ / ‖expected‖, computed in float64.</summary>
    public static double RelativeL2(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        Assert.Equal(expected.shape, actual.shape);
        var a = actual.detach().cpu().to(ScalarType.Float64);
        var e = expected.detach().cpu().to(ScalarType.Float64);
        return ((a - e).norm() / e.norm()).item<double>();
    }
}
