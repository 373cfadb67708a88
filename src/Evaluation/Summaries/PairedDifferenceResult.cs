using System.Globalization;
using Spgd.Evaluation.Statistics;

namespace Spgd.Evaluation.Summaries;

/// <summary>The paired difference A − B of one metric between two methods on the same manifest.</summary>
/// <param name="Metric">Metric name.</param>
/// <param name="A">Label of method A.</param>
/// <param name="B">Label of method B.</param>
/// <param name="ManifestDigest">The shared manifest digest.</param>
/// <param name="Images">Images paired.</param>
/// <param name="MeanDifference">Mean over images of A − B.</param>
/// <param name="Std">Sample standard deviation of the per-image differences; null below two images.</param>
/// <param name="Ci">Bootstrap interval of <paramref name="MeanDifference"/> over images; null below two images.</param>
/// <param name="PerImage">Each image's values and difference, by image id.</param>
/// <param name="Excluded">Images left out because one method has no succeeded run (or no value of the metric) for them.</param>
public sealed record PairedDifferenceResult(
    string Metric,
    string A,
    string B,
    string ManifestDigest,
    int Images,
    double MeanDifference,
    double? Std,
    ConfidenceInterval? Ci,
    IReadOnlyList<ImageDifference> PerImage,
    IReadOnlyList<string> Excluded)
{
    /// <summary>E.g. <c>psnr: SPGD − DPS = +0.412 [0.305, 0.520] (95 % CI, 1000 images)</c>.</summary>
    public string Describe()
    {
        var ci = Ci is { } c ? string.Create(CultureInfo.InvariantCulture, $" [{c.Low:0.000}, {c.High:0.000}] ({c.Level * 100:0.#} % CI")
                             : " (no interval";
        var excluded = Excluded.Count > 0 ? $", {Excluded.Count} images excluded" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{Metric}: {A} − {B} = {MeanDifference:+0.000;-0.000;0.000}{ci}, {Images} images{excluded})");
    }
}
