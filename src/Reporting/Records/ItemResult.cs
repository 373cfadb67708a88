namespace Spgd.Reporting.Records;

/// <summary>
/// One stored item of a job (one image restored for one task in one run by one method/grid point), as read from its
/// per-item JSON record. Every number a report shows derives from these records.
/// </summary>
/// <param name="ItemId">The item's id within the job (its path under <c>items/</c> without the extension).</param>
/// <param name="Method">The method or grid-point label (the table row), e.g. <c>SPGD N=5 β=0.95 ADM</c>.</param>
/// <param name="Task">The task name (the table's column group).</param>
/// <param name="ImageId">The image.</param>
/// <param name="Run">The run, 0-based.</param>
/// <param name="Psnr">PSNR in dB; null when failed.</param>
/// <param name="Ssim">SSIM; null when failed.</param>
/// <param name="Lpips">LPIPS; null when failed or not measured.</param>
/// <param name="NetworkEvaluations">Denoiser evaluations the item used (NFE).</param>
/// <param name="Error">Why the item failed, or null when it succeeded.</param>
/// <param name="Device">Device that ran it (<c>cpu</c>, <c>cuda:0</c>), when recorded.</param>
/// <param name="Seconds">Wall time on the device, when recorded.</param>
public sealed record ItemResult(
    string ItemId,
    string Method,
    string Task,
    string ImageId,
    int Run,
    double? Psnr,
    double? Ssim,
    double? Lpips,
    long NetworkEvaluations,
    string? Error = null,
    string? Device = null,
    double? Seconds = null)
{
    /// <summary>Whether the item failed (it then contributes no metric values).</summary>
    public bool Failed => Error is not null || Psnr is null;
}
