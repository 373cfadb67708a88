namespace Spgd.Core.Sampling;

/// <summary>
/// The outer noise schedule of SPGD (EDM "poly-ρ" time steps with a linear σ(t) = t): for i &lt; T,
/// σ_i = (σ_max^(1/ρ) + r_i·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ with r_i = i/(T−1), then σ_T = 0; the denoising
/// step of outer step i moves by step_i = 2·σ_i·(σ_i − σ_{i+1}) along the score.
/// </summary>
public sealed class EdmSchedule
{
    private readonly double[] _sigmas;
    private readonly double[] _stepFactors;

    /// <summary>Builds the schedule of <paramref name="steps"/> outer steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">steps &lt; 1, σ_min not in (0, σ_max], or ρ not positive.</exception>
    public EdmSchedule(int steps, double sigmaMax = SamplerDefaults.SigmaMax, double sigmaMin = SamplerDefaults.SigmaMin, double rho = 7)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (!(sigmaMin > 0) || !(sigmaMax >= sigmaMin) || !double.IsFinite(sigmaMax))
            throw new ArgumentOutOfRangeException(nameof(sigmaMin), $"Need 0 < σ_min ≤ σ_max < ∞; got σ_min = {sigmaMin}, σ_max = {sigmaMax}.");
        if (!(rho > 0)) throw new ArgumentOutOfRangeException(nameof(rho), rho, "ρ must be positive.");
        Steps = steps;
        SigmaMax = sigmaMax;
        SigmaMin = sigmaMin;
        _sigmas = new double[steps + 1];
        double hi = Math.Pow(sigmaMax, 1 / rho), lo = Math.Pow(sigmaMin, 1 / rho);
        for (var i = 0; i < steps; i++)
        {
            // numpy.linspace(0, 1, 1) is [0]: a one-step schedule starts (and ends) at σ_max.
            var ramp = steps == 1 ? 0.0 : (double)i / (steps - 1);
            _sigmas[i] = Math.Pow(hi + ramp * (lo - hi), rho);
        }
        _sigmas[steps] = 0;
        _stepFactors = new double[steps];
        for (var i = 0; i < steps; i++)
            _stepFactors[i] = Math.Max(2 * _sigmas[i] * (_sigmas[i] - _sigmas[i + 1]), 0);
    }

    /// <summary>Number of outer steps T.</summary>
    public int Steps { get; }

    /// <summary>σ_0 = σ_max.</summary>
    public double SigmaMax { get; }

    /// <summary>σ_{T−1} = σ_min.</summary>
    public double SigmaMin { get; }

    /// <summary>σ_0 … σ_T (T + 1 values; the last is 0).</summary>
    public IReadOnlyList<double> Sigmas => _sigmas;

    /// <summary>step_0 … step_{T−1}, step_i = 2·σ_i·(σ_i − σ_{i+1}).</summary>
    public IReadOnlyList<double> StepFactors => _stepFactors;
}
