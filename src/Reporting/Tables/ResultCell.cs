namespace Spgd.Reporting.Tables;

/// <summary>One (method, task) cell of a results table, summarised from its item records.</summary>
/// <param name="Method">Row.</param>
/// <param name="Task">Column group.</param>
/// <param name="Items">Items recorded (succeeded + failed).</param>
/// <param name="Failed">Items that failed.</param>
/// <param name="Psnr">PSNR over succeeded items.</param>
/// <param name="Ssim">SSIM over succeeded items.</param>
/// <param name="Lpips">LPIPS over succeeded items that have it.</param>
/// <param name="NetworkEvaluations">Mean NFE per succeeded item (over all items when none succeeded), so equal-compute rows read off directly.</param>
/// <param name="SecondsPerImage">Mean device wall time per succeeded item where the records carry it, else null: with
/// <paramref name="NetworkEvaluations"/>, the cost column (the paper's Table 6 for every method).</param>
public sealed record ResultCell(string Method, string Task, int Items, int Failed, CellStatistics? Psnr, CellStatistics? Ssim, CellStatistics? Lpips, double? NetworkEvaluations,
    double? SecondsPerImage = null);
