using static TorchSharp.torch;

namespace Spgd.Core.Diagnostics;

/// <summary>
/// Turns each outer step's (x_t, intermediate, x_{t−1}) into <see cref="GradientStepDiagnostics"/> for a sink, keeping
/// the previous step's g_l and g_d (outside any dispose scope) for the turn angles. Dispose when the run ends.
/// </summary>
internal sealed class GradientTracker(IGradientDiagnosticsSink sink) : IDisposable
{
    private Tensor? _previousLikelihood;
    private Tensor? _previousDenoising;

    /// <summary>Records one step from its likelihood part g_l and denoising part g_d (not kept; copies are).</summary>
    public void Observe(int step, double sigma, Tensor likelihood, Tensor denoising)
    {
        using var scope = NewDisposeScope();
        var gl = likelihood.detach().clone();
        var gd = denoising.detach().clone();
        var record = new GradientStepDiagnostics(
            step, sigma,
            AngleMath.Angles(gl, gd),
            _previousLikelihood is null ? null : AngleMath.Angles(_previousLikelihood, gl),
            _previousDenoising is null ? null : AngleMath.Angles(_previousDenoising, gd),
            AngleMath.Norms(gl),
            AngleMath.Norms(gd));
        Replace(ref _previousLikelihood, gl);
        Replace(ref _previousDenoising, gd);
        sink.Record(record);
    }

    private static void Replace(ref Tensor? slot, Tensor value)
    {
        slot?.Dispose();
        value.DetachFromDisposeScope();
        slot = value;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _previousLikelihood?.Dispose();
        _previousDenoising?.Dispose();
        _previousLikelihood = _previousDenoising = null;
    }
}
