using Spgd.Core.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Grains.Restoration;

/// <summary>
/// A measurement shown as a picture of the clean image's size, for report grids. Inpainting, blur and HDR measure in
/// image space and are shown as measured (inpainting: the masked image); super-resolution is upsampled nearest by its
/// integer factor; phase retrieval measures a Fourier magnitude, which is no picture, so it gets none.
/// </summary>
public static class MeasurementImage
{
    /// <summary>The image-space view of <paramref name="measurement"/>, clamped to [−1, 1]; null for phase retrieval or an unknown shape.</summary>
    /// <param name="measurement">The operator's output ([C, H, W] or [B, C, H, W]).</param>
    /// <param name="clean">The clean image it was measured from (same layout).</param>
    /// <param name="task">The canonical task name.</param>
    public static Tensor? ToImageSpace(Tensor measurement, Tensor clean, string task)
    {
        if (task == TaskNames.PhaseRetrieval || measurement.dim() != clean.dim()) return null;
        var (h, w) = (clean.shape[^2], clean.shape[^1]);
        var (mh, mw) = (measurement.shape[^2], measurement.shape[^1]);
        if (measurement.shape[^3] != clean.shape[^3] || mh == 0 || mw == 0 || h % mh != 0 || w % mw != 0 || h / mh != w / mw) return null;
        if (mh == h) return measurement.clamp(-1, 1);
        var batch = measurement.dim() == 3 ? measurement.unsqueeze(0) : measurement;
        var up = nn.functional.interpolate(batch, size: [h, w], mode: InterpolationMode.Nearest);
        return (measurement.dim() == 3 ? up.squeeze(0) : up).clamp(-1, 1);
    }
}
