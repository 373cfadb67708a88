using SkiaSharp;

namespace Spgd.Reporting.Rendering;

/// <summary>
/// Composes PNGs into one labelled grid image: a header row of column titles, then one row per image with a row title.
/// Each cell is scaled to fit a square of <c>cellSize</c> pixels; missing cells stay blank.
/// </summary>
internal static class ImageGridComposer
{
    private const int Margin = 6;
    private const int HeaderHeight = 34;
    private const int RowHeaderWidth = 110;

    /// <summary>The grid as PNG bytes.</summary>
    /// <param name="columns">Column titles.</param>
    /// <param name="rows">Row titles and, per row, one PNG (or null) per column.</param>
    /// <param name="cellSize">Side of a cell in pixels.</param>
    public static byte[] Compose(IReadOnlyList<string> columns, IReadOnlyList<(string Title, IReadOnlyList<byte[]?> Cells)> rows, int cellSize)
    {
        var width = RowHeaderWidth + columns.Count * (cellSize + Margin) + Margin;
        var height = HeaderHeight + rows.Count * (cellSize + Margin) + Margin;
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(ReportFonts.Typeface, 13);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var frame = new SKPaint { Color = new SKColor(0xDD, 0xDD, 0xDD), Style = SKPaintStyle.Stroke };
        using var sampling = new SKPaint { IsAntialias = true };

        for (var c = 0; c < columns.Count; c++)
        {
            var x = RowHeaderWidth + Margin + c * (cellSize + Margin);
            DrawFitted(canvas, columns[c], x, HeaderHeight - 10, cellSize - 6, font, ink);
        }
        for (var r = 0; r < rows.Count; r++)
        {
            var y = HeaderHeight + r * (cellSize + Margin);
            DrawFitted(canvas, rows[r].Title, Margin, y + cellSize / 2f, RowHeaderWidth - 2 * Margin, font, ink);
            for (var c = 0; c < columns.Count; c++)
            {
                var x = RowHeaderWidth + Margin + c * (cellSize + Margin);
                var cell = new SKRect(x, y, x + cellSize, y + cellSize);
                canvas.DrawRect(cell, frame);
                var png = c < rows[r].Cells.Count ? rows[r].Cells[c] : null;
                if (png is null) continue;
                using var image = SKImage.FromEncodedData(png);
                if (image is null) continue;
                var scale = Math.Min((float)cellSize / image.Width, (float)cellSize / image.Height);
                float w = image.Width * scale, h = image.Height * scale;
                var target = SKRect.Create(x + (cellSize - w) / 2, y + (cellSize - h) / 2, w, h);
                canvas.DrawImage(image, target, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), sampling);
            }
        }
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Draws text shrunk to fit <paramref name="maxWidth"/>.</summary>
    private static void DrawFitted(SKCanvas canvas, string text, float x, float baseline, float maxWidth, SKFont font, SKPaint paint)
    {
        var size = font.Size;
        var measured = font.MeasureText(text);
        if (measured > maxWidth && measured > 0) font.Size = Math.Max(7, size * maxWidth / measured);
        canvas.DrawText(text, x, baseline, SKTextAlign.Left, font, paint);
        font.Size = size;
    }
}
