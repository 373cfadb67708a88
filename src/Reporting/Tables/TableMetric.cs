using System.Globalization;

namespace Spgd.Reporting.Tables;

/// <summary>A metric column: its header, direction and number format.</summary>
/// <param name="Header">Header text with the direction arrow.</param>
/// <param name="HigherIsBetter">Whether larger values are better.</param>
/// <param name="Format">.NET format of the mean (the paper's precision).</param>
/// <param name="Of">Selects the metric's summary from a cell.</param>
public sealed record TableMetric(string Header, bool HigherIsBetter, string Format, Func<ResultCell, CellStatistics?> Of)
{
    /// <summary>PSNR in dB, two decimals.</summary>
    public static TableMetric Psnr { get; } = new("PSNR↑", true, "0.00", c => c.Psnr);

    /// <summary>SSIM, three decimals.</summary>
    public static TableMetric Ssim { get; } = new("SSIM↑", true, "0.000", c => c.Ssim);

    /// <summary>LPIPS, three decimals.</summary>
    public static TableMetric Lpips { get; } = new("LPIPS↓", false, "0.000", c => c.Lpips);

    /// <summary>The metric columns of <paramref name="table"/> (LPIPS only when measured).</summary>
    public static IReadOnlyList<TableMetric> For(ResultTable table) => table.HasLpips ? [Psnr, Ssim, Lpips] : [Psnr, Ssim];

    /// <summary>A value in this metric's format (invariant culture).</summary>
    public string Text(double value) => value.ToString(Format, CultureInfo.InvariantCulture);
}
