using Spgd.Core.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Grains.Restoration;

/// <summary>
/// A measurement shown as a picture of the clean image's size, for report grids. Inpainting, blur and HDR measure in
/// image space and are shown as measured (inpainting: the masked image); super-resolution is upsampled nearest by its
/// integer factor; phase retrieval measures a Fourier magnitude (the operator already centres it), shown as what it is:
/// log(1 + |Y|) scaled to [−1, 1] per image and resized to the image's side.
/// </summary>
public static class MeasurementImage
{
    /// <summary>The image-space view of <paramref name="measurement"/>, clamped to [−1, 1]; null for an unknown shape.</summary>
    /// <param name="measurement">The operator's output ([C, H, W] or [B, C, H, W]).</param>
    /// <param name="clean">The clean image it was measured from (same layout).</param>
    /// <param name="task">The canonical task name.</param>
    public static Tensor? ToImageSpace(Tensor measurement, Tensor clean, string task)
    {
        if (measurement.dim() != clean.dim() || measurement.dim() is not (3 or 4)) return null;
        if (task == TaskNames.PhaseRetrieval) return Spectrum(measurement, clean);
        var (h, w) = (clean.shape[^2], clean.shape[^1]);
        var (mh, mw) = (measurement.shape[^2], measurement.shape[^1]);
        if (measurement.shape[^3] != clean.shape[^3] || mh == 0 || mw == 0 || h % mh != 0 || w % mw != 0 || h / mh != w / mw) return null;
        if (mh == h) return measurement.clamp(-1, 1);
        var batch = measurement.dim() == 3 ? measurement.unsqueeze(0) : measurement;
        var up = nn.functional.interpolate(batch, size: [h, w], mode: InterpolationMode.Nearest);
        return (measurement.dim() == 3 ? up.squeeze(0) : up).clamp(-1, 1);
    }

    // A Fourier magnitude as a picture: log-compressed, resized to the image's size, then each image scaled to the full
    // range (scaling before a nearest resize could drop the extreme pixels, so the picture would not span it).
    private static Tensor Spectrum(Tensor measurement, Tensor clean)
    {
        var batch = measurement.dim() == 3 ? measurement.unsqueeze(0) : measurement;
        var log = torch.log1p(batch.abs());
        if (log.shape[1] != clean.shape[^3]) log = log.mean([1L], keepdim: true).expand(-1, clean.shape[^3], -1, -1);
        var sized = nn.functional.interpolate(log, size: [clean.shape[^2], clean.shape[^1]], mode: InterpolationMode.Nearest);
        var flat = sized.flatten(1);
        var lo = flat.min(1).values.reshape(-1, 1, 1, 1);
        var hi = flat.max(1).values.reshape(-1, 1, 1, 1);
        var scaled = (sized - lo) / (hi - lo).clamp_min(1e-12) * 2 - 1;
        return (measurement.dim() == 3 ? scaled.squeeze(0) : scaled).clamp(-1, 1);
    }
}
