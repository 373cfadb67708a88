namespace Spgd.Core.Metrics;

/// <summary>The quality of one restored image against its ground truth.</summary>
/// <param name="Psnr">Peak signal-to-noise ratio in dB (higher is better); see <see cref="Psnr"/>.</param>
/// <param name="Ssim">Structural similarity in [−1, 1] (1 = identical); see <see cref="Ssim"/>.</param>
/// <param name="Lpips">LPIPS-VGG16 distance (0 = identical, lower is better), or null when no LPIPS weights were configured.</param>
public sealed record ImageMetrics(double Psnr, double Ssim, double? Lpips);
