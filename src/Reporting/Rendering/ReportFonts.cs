using SkiaSharp;

namespace Spgd.Reporting.Rendering;

/// <summary>
/// The typeface of report images. SkiaSharp's dependency-free Linux build has no font discovery, so a known TrueType
/// file is loaded directly when present (DejaVu Sans on Debian) and registered with ScottPlot as its default font.
/// </summary>
internal static class ReportFonts
{
    private static readonly string[] Candidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/Library/Fonts/Arial.ttf",
        "C:/Windows/Fonts/arial.ttf",
    ];

    private static readonly Lazy<(SKTypeface Typeface, string? File)> Loaded = new(Load);

    /// <summary>The typeface for text drawn into PNGs.</summary>
    public static SKTypeface Typeface => Loaded.Value.Typeface;

    /// <summary>Makes ScottPlot use the same font (once).</summary>
    public static void UseForPlots()
    {
        if (Loaded.Value.File is not null) _ = PlotFontRegistration.Value;
    }

    private static readonly Lazy<bool> PlotFontRegistration = new(() =>
    {
        const string family = "Report Sans";
        ScottPlot.Fonts.AddFontFile(family, Loaded.Value.File!);
        ScottPlot.Fonts.Default = family;
        return true;
    });

    private static (SKTypeface, string?) Load()
    {
        foreach (var file in Candidates)
            if (File.Exists(file) && SKTypeface.FromFile(file) is { } typeface) return (typeface, file);
        return (SKTypeface.Default, null);
    }
}
