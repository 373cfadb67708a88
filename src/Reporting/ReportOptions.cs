namespace Spgd.Reporting;

/// <summary>Knobs of <see cref="ReportBuilder"/>.</summary>
public sealed record ReportOptions
{
    /// <summary>Images (rows) per task grid.</summary>
    public int GridImages { get; init; } = 4;

    /// <summary>Side of a grid cell in pixels.</summary>
    public int CellSize { get; init; } = 128;

    /// <summary>Whether to draw the per-step plots (angles, x̂₀ quality).</summary>
    public bool Plots { get; init; } = true;
}
