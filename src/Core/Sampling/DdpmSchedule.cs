namespace Spgd.Core.Sampling;

/// <summary>
/// The discrete DDPM noise schedule a guided-diffusion UNet was trained with (Ho et al. 2020): M steps with the linear
/// β_t from 10⁻⁴ to 0.02, ᾱ_t = Π_{s≤t}(1 − β_s), computed in float64 as the official code does. In the σ-space of
/// <see cref="Denoising.IDenoiser"/> step t is σ_t = √((1 − ᾱ_t)/ᾱ_t), and x_t = √ᾱ_t·(x₀ + σ_t·n), so
/// x̂₀ = D(x_t/√ᾱ_t, σ_t) and ε̂ = (x_t/√ᾱ_t − x̂₀)/σ_t. The VP denoiser's c_noise(σ_t) is the continuous-time
/// approximation of t (within a fraction of a step for the linear schedule).
/// </summary>
public sealed class DdpmSchedule
{
    private readonly double[] _betas;
    private readonly double[] _alphaBars;

    /// <summary>The linear schedule of <paramref name="timesteps"/> steps (guided-diffusion's <c>linear</c>, scaled by
    /// 1000/M so that other step counts keep the same limit).</summary>
    /// <exception cref="ArgumentOutOfRangeException">timesteps &lt; 2.</exception>
    public DdpmSchedule(int timesteps = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timesteps, 2);
        Timesteps = timesteps;
        double scale = 1000.0 / timesteps, start = scale * 1e-4, end = scale * 0.02;
        _betas = new double[timesteps];
        _alphaBars = new double[timesteps];
        double product = 1;
        for (var t = 0; t < timesteps; t++)
        {
            _betas[t] = start + (end - start) * t / (timesteps - 1);
            product *= 1 - _betas[t];
            _alphaBars[t] = product;
        }
    }

    /// <summary>M, the number of training timesteps.</summary>
    public int Timesteps { get; }

    /// <summary>β_t.</summary>
    public double Beta(int t) => _betas[t];

    /// <summary>ᾱ_t; ᾱ_{−1} = 1 (the clean image), as the samplers' "previous step" of t = 0.</summary>
    public double AlphaBar(int t) => t < 0 ? 1.0 : _alphaBars[t];

    /// <summary>σ_t = √((1 − ᾱ_t)/ᾱ_t), the denoiser's noise level at step t (0 for t = −1).</summary>
    public double Sigma(int t) => Math.Sqrt((1 - AlphaBar(t)) / AlphaBar(t));

    /// <summary>The step t whose σ_t is closest to <paramref name="sigma"/> (DiffPIR and RED-Diff pick steps by noise level).</summary>
    public int NearestStep(double sigma)
    {
        var best = 0;
        for (var t = 1; t < Timesteps; t++)
            if (Math.Abs(Sigma(t) - sigma) < Math.Abs(Sigma(best) - sigma)) best = t;
        return best;
    }

    /// <summary>guided-diffusion's <c>space_timesteps(M, [count])</c>: <paramref name="count"/> steps spread evenly over
    /// 0 … M−1 (rounded), ascending. With count = M every step is kept.</summary>
    /// <exception cref="ArgumentOutOfRangeException">count not in 1 … M.</exception>
    public int[] EvenlySpaced(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Timesteps);
        var stride = count <= 1 ? 1.0 : (Timesteps - 1.0) / (count - 1);
        var steps = new SortedSet<int>();
        var position = 0.0;
        for (var i = 0; i < count; i++)
        {
            steps.Add((int)Math.Round(position, MidpointRounding.ToEven));
            position += stride;
        }
        return [.. steps];
    }

    /// <summary>DDIM's uniform skip, as DDRM's and RED-Diff's code take it: 0, ⌊M/S⌋, 2⌊M/S⌋, … below M (ascending;
    /// more than <paramref name="count"/> steps when S does not divide M).</summary>
    /// <exception cref="ArgumentOutOfRangeException">count not in 1 … M.</exception>
    public int[] UniformSkip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Timesteps);
        var skip = Timesteps / count;
        return [.. Enumerable.Range(0, Timesteps).Where(t => t % skip == 0)];
    }
}
