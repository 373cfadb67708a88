using System.Globalization;
using Spgd.Core.Denoising;
using Spgd.Core.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Sampling;

/// <summary>
/// DPS by its protocol (Chung et al., "Diffusion Posterior Sampling", ICLR 2023, Algorithm 1, as the official
/// <c>p_sample_loop</c> with the <c>ps</c> conditioning): ancestral DDPM sampling on the linear β schedule, for
/// t = τ_S … τ_1 (S steps of guided-diffusion's respacing; S = M = 1,000 is the protocol):
/// <list type="number">
/// <item>x̂₀ = clip(D(x_t/√ᾱ_t, σ_t), −1, 1) (the ε-model's √(1/ᾱ)·x_t − √(1/ᾱ − 1)·ε̂);</item>
/// <item>x'_{t−1} = μ̃_t(x_t, x̂₀) + σ̃_t·z, the DDPM posterior q(x_{t−1} | x_t, x̂₀) with variance
/// β̃_t = β_t(1 − ᾱ_{t−1})/(1 − ᾱ_t) (no noise at the last step);</item>
/// <item>x_{t−1} = x'_{t−1} − ζ·∇_{x_t}‖y − A(x̂₀)‖ (the norm, not its square: the gradient is taken through the
/// denoiser at x_t).</item>
/// </list>
/// One network evaluation (and one backward pass through it) per step; x_T is the noise source's first draw
/// (x_start supplies shape and device only).
/// </summary>
/// <remarks>
/// Two differences from the released code, both forced by the shared <see cref="IDenoiser"/> interface: the step's
/// variance is the fixed posterior β̃_t (<c>fixed_small</c>) rather than the checkpoints' learned interpolation between
/// β̃_t and β_t (<c>learned_range</c>; the denoiser does not expose the variance channels), and the network sees the
/// VP preconditioning's c_noise(σ_t) rather than the integer t. The norm is per sample (the official code takes one
/// norm over the whole batch, which couples its samples; for one image they agree). Parity fixtures run the official
/// loop with <c>fixed_small</c> and the same network.
/// </remarks>
public sealed class DpsAncestralSampler : IPosteriorSampler
{
    private readonly IDenoiser _denoiser;
    private readonly INoiseSource _noise;
    private readonly DdpmSchedule _schedule;
    private long _networkEvaluations;

    /// <summary>Creates the sampler.</summary>
    /// <param name="denoiser">The prior.</param>
    /// <param name="options">Steps and ζ.</param>
    /// <param name="noise">Where its Gaussian noise comes from.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public DpsAncestralSampler(IDenoiser denoiser, DpsOptions options, INoiseSource noise)
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
    public DpsOptions Options { get; }

    /// <inheritdoc />
    public long NetworkEvaluations => Interlocked.Read(ref _networkEvaluations);

    /// <summary>The visited training timesteps τ_1 &lt; … &lt; τ_S.</summary>
    public int[] Timesteps() => _schedule.EvenlySpaced(Options.Steps);

    /// <inheritdoc />
    public Tensor Sample(Tensor xStart, Tensor y, ForwardOperator op, Action<SamplerStep>? onStep = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(xStart);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(op);
        using var runScope = NewDisposeScope();
        var steps = Timesteps();
        var x = _noise.NextLike(xStart);
        long runEvaluations = 0;
        for (var k = steps.Length - 1; k >= 0; k--)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int t = steps[k], previous = k > 0 ? steps[k - 1] : -1;
            double alphaBar = _schedule.AlphaBar(t), alphaBarPrev = _schedule.AlphaBar(previous);
            double beta = 1 - alphaBar / alphaBarPrev; // the respaced β_k
            double meanX0 = beta * Math.Sqrt(alphaBarPrev) / (1 - alphaBar);
            double meanXt = (1 - alphaBarPrev) * Math.Sqrt(1 - beta) / (1 - alphaBar);
            double std = Math.Sqrt(beta * (1 - alphaBarPrev) / (1 - alphaBar));

            var xg = x.detach().requires_grad_(true);
            var estimate = _denoiser.Denoise(xg / Math.Sqrt(alphaBar), _schedule.Sigma(t));
            runEvaluations++;
            Interlocked.Increment(ref _networkEvaluations);
            if (Options.ClipDenoised) estimate = estimate.clamp(-1, 1);
            var residualNorms = (y - op.Apply(estimate)).flatten(1).norm(1);
            var gradient = torch.autograd.grad([residualNorms.sum()], [xg])[0].detach();
            var denoised = estimate.detach();
            var prior = meanX0 * denoised + meanXt * xg.detach();
            if (k > 0) prior = prior + std * _noise.NextLike(prior);
            var next = prior - Options.StepSize * gradient;
            if (!isfinite(next).all().item<bool>())
                throw new SamplerDivergedException(string.Create(CultureInfo.InvariantCulture,
                    $"DPS diverged at step {steps.Length - k} (t = {t}): x became NaN or infinite. Lower the step size ζ ({Options.StepSize:g4})."),
                    steps.Length - 1 - k, 0);
            var loss = residualNorms.square().sum().item<float>();
            onStep?.Invoke(new SamplerStep(steps.Length - 1 - k, _schedule.Sigma(t), denoised, loss, next, prior, steps.Length, runEvaluations));
            x.Dispose();
            x = scope.MoveToOuter(next);
        }
        return runScope.MoveToOuter(x);
    }
}
