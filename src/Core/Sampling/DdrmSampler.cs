using System.Globalization;
using Spgd.Core.Denoising;
using Spgd.Core.Operators;
using static TorchSharp.torch;

namespace Spgd.Core.Sampling;

/// <summary>
/// DDRM (Kawar et al., "Denoising Diffusion Restoration Models", NeurIPS 2022), as its official
/// <c>efficient_generalized_steps</c>: every step works on the spectral coefficients x̄ = Vᵀx of A = UΣVᵀ
/// (<see cref="OperatorSvd"/>), with ȳ = Uᵀy, σ_y the measurement noise and x̄_t = Vᵀx_t/√ᾱ_t:
/// <list type="number">
/// <item>x_T: coefficients with s·σ_T &gt; σ_y start at ȳ/s plus noise of the remaining variance σ_T² − (σ_y/s)²; the
/// rest at σ_T·n; x_T = V(that)/σ_T.</item>
/// <item>For t = τ_S … τ_1 (stride ⌊M/S⌋) with next step t′ (−1 after the last): x̂₀ = D(x_t/√ᾱ_t, σ_t),
/// ε̂ = (x_t/√ᾱ_t − x̂₀)/σ_t; per coefficient, with σ = σ_{t′}:
/// <list type="bullet">
/// <item>unmeasured (s = 0 or no pair): x̄₀ + √(1−η²)·σ·ε̄ + η·σ·n;</item>
/// <item>measured less noisily than σ (s·σ &lt; σ_y): x̄₀ + √(1−η²)·σ·(ȳ − s·x̄₀)/σ_y + η·σ·n;</item>
/// <item>measured more noisily (s·σ &gt; σ_y): η_B·ȳ/s + (1−η_B)·x̄₀ + √(σ² − η_B²σ_y²/s²)·n;</item>
/// </list>
/// then x_{t′} = √ᾱ_{t′}·V(x̄_{t′}). The last step (ᾱ_{−1} = 1) returns the restored image.</item>
/// </list>
/// One network evaluation per step, no gradients.
/// </summary>
/// <remarks>
/// The network is the shared <see cref="IDenoiser"/>: ε̂ is read from D(x, σ) through the DDPM schedule
/// (<see cref="DdpmSchedule"/>); for the VP-preconditioned UNet this evaluates the network at the continuous c_noise(σ_t)
/// rather than the integer t. The official code draws three noise tensors per step, each only as large as the
/// coefficients it fills; here each is drawn full-size and the needed entries are used (same distribution; parity
/// fixtures map the official draws onto this layout). x_start supplies the shape and device only: the initial noise
/// is the noise source's first draw.
/// </remarks>
public sealed class DdrmSampler : IPosteriorSampler
{
    private readonly IDenoiser _denoiser;
    private readonly INoiseSource _noise;
    private readonly DdpmSchedule _schedule;
    private long _networkEvaluations;

    /// <summary>Creates the sampler.</summary>
    /// <param name="denoiser">The prior.</param>
    /// <param name="options">Steps, η, η_B, σ_y.</param>
    /// <param name="noise">Where its Gaussian noise comes from.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public DdrmSampler(IDenoiser denoiser, DdrmOptions options, INoiseSource noise)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(noise);
        options.Validate();
        _denoiser = denoiser;
        _noise = noise;
        Options = options;
        _schedule = new DdpmSchedule(options.TrainingTimesteps);
    }

    /// <summary>The run's settings.</summary>
    public DdrmOptions Options { get; }

    /// <inheritdoc />
    public long NetworkEvaluations => Interlocked.Read(ref _networkEvaluations);

    /// <summary>The visited timesteps τ_1 &lt; … &lt; τ_S: 0, ⌊M/S⌋, 2⌊M/S⌋, … below M.</summary>
    public int[] Timesteps() => _schedule.UniformSkip(Options.Steps);

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The operator has no cheap exact SVD (motion blur, phase retrieval, HDR).</exception>
    public Tensor Sample(Tensor xStart, Tensor y, ForwardOperator op, Action<SamplerStep>? onStep = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(xStart);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(op);
        using var runScope = NewDisposeScope();
        using var svd = OperatorSvd.For(op, (int)xStart.shape[2], (int)xStart.shape[3], Options.SingularValueFloor);
        using var noGrad = no_grad();
        var s = svd.Singulars.to(xStart.dtype, xStart.device);
        var paired = svd.Paired.to(xStart.device);
        var sSafe = where(s > 0, s, ones_like(s));
        var yBar = svd.Ut(y);
        double sigmaY = Options.MeasurementNoise, eta = Options.Eta, etaB = Options.EtaB;

        var steps = Timesteps();
        var sigmaT = _schedule.Sigma(steps[^1]);
        var large = paired.logical_and(s * sigmaT > sigmaY);
        var start = where(large, yBar / sSafe, zeros_like(yBar));
        var remaining = (sigmaT * sigmaT - where(large, sigmaY / sSafe, zeros_like(s)).square()).clamp_min(0).sqrt();
        var x = svd.V((start + remaining * _noise.NextLike(xStart)) / sigmaT);

        long runEvaluations = 0;
        for (var k = steps.Length - 1; k >= 0; k--)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int t = steps[k], next = k > 0 ? steps[k - 1] : -1;
            double sigma = _schedule.Sigma(t), sigmaNext = _schedule.Sigma(next);
            var xMod = x / Math.Sqrt(_schedule.AlphaBar(t));
            var x0 = _denoiser.Denoise(xMod, sigma);
            runEvaluations++;
            Interlocked.Increment(ref _networkEvaluations);
            var epsilon = (xMod - x0) / sigma;

            var x0Bar = svd.Vt(x0);
            var epsilonBar = svd.Vt(epsilon);
            var before = paired.logical_and(s * sigmaNext > sigmaY);
            var after = paired.logical_and(s * sigmaNext < sigmaY);
            double freshStd = sigmaNext * eta, keptStd = Math.Sqrt(sigmaNext * sigmaNext - freshStd * freshStd);

            var unmeasured = x0Bar + keptStd * epsilonBar + freshStd * _noise.NextLike(x0Bar);
            var lessNoisy = x0Bar + keptStd * (yBar - s * x0Bar) / sigmaY + freshStd * _noise.NextLike(x0Bar);
            var residualStd = (sigmaNext * sigmaNext - (sigmaY * sigmaY * etaB * etaB) / sSafe.square()).clamp_min(0).sqrt();
            var moreNoisy = yBar / sSafe * etaB + (1 - etaB) * x0Bar + residualStd * _noise.NextLike(x0Bar);
            var nextBar = where(before, moreNoisy, where(after, lessNoisy, unmeasured));
            var nextMod = svd.V(nextBar);
            var xNext = nextMod * Math.Sqrt(_schedule.AlphaBar(next));
            if (!isfinite(xNext).all().item<bool>())
                throw new SamplerDivergedException(string.Create(CultureInfo.InvariantCulture,
                    $"DDRM diverged at step {steps.Length - k} (t = {t}): x became NaN or infinite."), steps.Length - 1 - k, 0);
            if (onStep is not null)
            {
                var loss = (op.Apply(x0) - y).square().sum().item<float>();
                onStep(new SamplerStep(steps.Length - 1 - k, sigma, x0, loss, xNext, nextMod, steps.Length, runEvaluations));
            }
            x.Dispose();
            x = scope.MoveToOuter(xNext);
        }
        return runScope.MoveToOuter(x);
    }
}
