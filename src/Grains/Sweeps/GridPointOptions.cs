using Spgd.Contracts.Sweeps;
using Spgd.Core.Sampling;

namespace Spgd.Grains.Sweeps;

/// <summary>Turns a sweep's <see cref="GridPoint"/> into Core's sampler options.</summary>
public static class GridPointOptions
{
    /// <summary>
    /// <paramref name="basis"/> (the task's other settings: lr_min_ratio, σ range, DiffStateGrad period) with the grid
    /// point's sampler, T, N, lr, β, ADM, τ and ζ applied. Unset lr/ζ keep the basis values.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown sampler kind, or the resulting options are invalid.</exception>
    public static SpgdOptions ToSpgdOptions(GridPoint point, SpgdOptions? basis = null)
    {
        ArgumentNullException.ThrowIfNull(point);
        var b = basis ?? new SpgdOptions();
        var options = point.Sampler switch
        {
            SamplerKinds.Dps => b with { Algorithm = SamplerAlgorithm.Dps, Steps = point.Steps, DpsStepSize = point.DpsStepSize ?? b.DpsStepSize },
            SamplerKinds.Spgd => b with
            {
                Algorithm = SamplerAlgorithm.Spgd,
                Steps = point.Steps,
                Warmup = point.Warmup,
                LearningRate = point.LearningRate ?? b.LearningRate,
                Preset = point.Preset == "reference" ? SpgdPreset.Reference : SpgdPreset.Paper,
                Adm = point.Adm,
                Beta = point.Beta ?? b.Beta,
                DiffStateGradTau = point.DiffStateGradTau,
            },
            _ => throw new ArgumentException($"Grid point '{point.Label}': unknown sampler '{point.Sampler}' (expected {SamplerKinds.Spgd} or {SamplerKinds.Dps}).", nameof(point)),
        };
        options.Validate();
        return options;
    }
}
