namespace Spgd.Core.Diagnostics;

/// <summary>An <see cref="IGradientDiagnosticsSink"/> that keeps every record in memory, in step order. Not thread-safe.</summary>
public sealed class GradientDiagnosticsRecorder : IGradientDiagnosticsSink
{
    private readonly List<GradientStepDiagnostics> _steps = [];

    /// <summary>The records so far.</summary>
    public IReadOnlyList<GradientStepDiagnostics> Steps => _steps;

    /// <inheritdoc />
    public void Record(GradientStepDiagnostics step)
    {
        ArgumentNullException.ThrowIfNull(step);
        _steps.Add(step);
    }
}
