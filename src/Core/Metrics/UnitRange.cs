using static TorchSharp.torch;

namespace Spgd.Core.Metrics;

/// <summary>Checks a metric's inputs and maps images from the project's [−1, 1] range to the [0, 1] range piq measures in.</summary>
internal static class UnitRange
{
    /// <summary>Throws unless both tensors are NCHW batches of the same shape with at least <paramref name="minSize"/> pixels per side.</summary>
    public static void RequireSameBatchShape(Tensor reference, Tensor candidate, string metric, int minSize = 1)
    {
        if (reference.dim() != 4) throw new ArgumentException($"{metric}: reference must be an NCHW batch, got shape {ShapeText(reference)}");
        if (!reference.shape.SequenceEqual(candidate.shape))
            throw new ArgumentException($"{metric}: reference shape {ShapeText(reference)} and candidate shape {ShapeText(candidate)} differ");
        if (reference.shape[2] < minSize || reference.shape[3] < minSize)
            throw new ArgumentException($"{metric}: images must be at least {minSize}×{minSize} pixels, got {reference.shape[2]}×{reference.shape[3]}");
    }

    /// <summary>
    /// (x + 1)/2 clamped to [0, 1], in float32. The clamp matches the reference evaluation, which clamps
    /// restorations (they can overshoot slightly) before measuring; piq itself rejects values outside [0, 1].
    /// </summary>
    public static Tensor FromSigned(Tensor x) => x.to(ScalarType.Float32).add(1).mul(0.5).clamp(0, 1);

    /// <summary>"(N, C, H, W)" for messages.</summary>
    public static string ShapeText(Tensor t) => "(" + string.Join(", ", t.shape) + ")";
}
