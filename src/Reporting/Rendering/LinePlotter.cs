using ScottPlot;

namespace Spgd.Reporting.Rendering;

/// <summary>Line plots of per-step series with a mean ± spread band, as PNG bytes (ScottPlot).</summary>
internal static class LinePlotter
{
    /// <summary>Plots <paramref name="series"/> (one line and band each) and returns the PNG.</summary>
    public static byte[] Plot(string title, string xLabel, string yLabel, IReadOnlyList<StepSeries> series, int width = 900, int height = 420)
    {
        ReportFonts.UseForPlots();
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var color = palette.GetColor(i);
            if (s.Spread.Any(v => v > 0))
            {
                var band = plot.Add.FillY(s.Steps, s.Mean.Zip(s.Spread, (m, d) => m - d).ToArray(), s.Mean.Zip(s.Spread, (m, d) => m + d).ToArray());
                band.FillStyle.Color = color.WithAlpha(0.18);
                band.LineStyle.Width = 0;
            }
            var line = plot.Add.Scatter(s.Steps, s.Mean, color);
            line.LegendText = s.Name;
            line.MarkerSize = 3;
            line.LineWidth = 2;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (series.Count > 0) plot.ShowLegend(Edge.Right);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }
}
