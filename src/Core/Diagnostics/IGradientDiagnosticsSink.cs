namespace Spgd.Core.Diagnostics;

/// <summary>
/// Receives a sampler's per-step gradient diagnostics. Samplers given no sink compute none of them (no cost); with a
/// sink they keep the previous step's two gradients and measure three angles per step.
/// </summary>
public interface IGradientDiagnosticsSink
{
    /// <summary>Called once per outer step, after the step, in step order.</summary>
    void Record(GradientStepDiagnostics step);
}
