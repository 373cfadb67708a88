using System.Text.Json;
using Spgd.Core.Arrays;
using Spgd.Tests;
using TorchSharp;

namespace Spgd.Core.Tests.Metrics;

/// <summary>The metrics/ and lpips/ fixtures: three 256×256 images and two degraded versions of them.</summary>
internal static class MetricFixtures
{
    public static torch.Tensor Load(string name) => NpyFile.Read(TestPaths.Fixture("metrics", name + ".npy")).ToTensor();

    /// <summary>expected.json of metrics/: pair ("noisy"/"blurred") → metric ("psnr"/"ssim") → per-image values.</summary>
    public static double[] Expected(string pair, string metric)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("metrics", "expected.json")));
        return [.. doc.RootElement.GetProperty(pair).GetProperty(metric).EnumerateArray().Select(e => e.GetDouble())];
    }

    /// <summary>expected.json of lpips/: pair → per-image LPIPS.</summary>
    public static double[] ExpectedLpips(string pair)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("lpips", "expected.json")));
        return [.. doc.RootElement.GetProperty(pair).EnumerateArray().Select(e => e.GetDouble())];
    }
}
