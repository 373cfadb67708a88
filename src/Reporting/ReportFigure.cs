namespace Spgd.Reporting;

/// <summary>A figure of a report.</summary>
/// <param name="FileName">File name under the report's <c>figures/</c> folder.</param>
/// <param name="Title">Heading.</param>
/// <param name="Caption">What it shows and how it was computed.</param>
/// <param name="Png">The image.</param>
public sealed record ReportFigure(string FileName, string Title, string Caption, byte[] Png);
