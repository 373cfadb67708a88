using System.Globalization;
using Spgd.Core.Denoising;
using Spgd.Core.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Sampling;

/// <summary>
/// RED-Diff (Mardani et al., "A Variational Perspective on Solving Inverse Problems with Diffusion Models", ICLR 2024),
/// as the official <c>REDDIFF.sample</c>: a variational mean μ, initialised at A⁺y, optimised by Adam over the
/// timesteps t = τ_S … τ_1 (stride ⌊M/S⌋), each step:
/// <list type="number">
/// <item>x₀ = μ + σ_x0·n₀; x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·n;</item>
/// <item>ε̂ = ε_θ(x_t, t) (from D(x_t/√ᾱ_t, σ_t), no gradient through it);</item>
/// <item>loss = λ·σ_t·mean((ε̂ − n)·x₀) + w_obs·mean((y − A(x₀))²)/2, σ_t = √(1−ᾱ_t)/√ᾱ_t, the means over the image's
/// and the measurement's entries;</item>
/// <item>one Adam step on μ (β = (0.9, 0.99)).</item>
/// </list>
/// The result is the last step's x₀ (drawn before its Adam update), as the official code returns. One network
/// evaluation per step, no backward pass through the network.
/// </summary>
/// <remarks>
/// Like the official code it draws n₀ and n every step (n₀ even when σ_x0 = 0). The initial pseudo-inverse needs the
/// operator's SVD (<see cref="OperatorSvd"/>): motion blur, phase retrieval and HDR are refused. x_start supplies shape
/// and device only. The measurement count of the observation mean is rank(A)·C per image (for inpainting the kept
/// pixels, as the official degradation returns only those).
/// </remarks>
public sealed class RedDiffSampler : IPosteriorSampler
{
    private readonly IDenoiser _denoiser;
    private readonly INoiseSource _noise;
    private readonly DdpmSchedule _schedule;
    private long _networkEvaluations;

    /// <summary>Creates the sampler.</summary>
    /// <param name="denoiser">The prior.</param>
    /// <param name="options">Steps, λ, learning rate.</param>
    /// <param name="noise">Where its Gaussian noise comes from.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public RedDiffSampler(IDenoiser denoiser, RedDiffOptions options, INoiseSource noise)
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
    public RedDiffOptions Options { get; }

    /// <inheritdoc />
    public long NetworkEvaluations => Interlocked.Read(ref _networkEvaluations);

    /// <summary>The visited timesteps τ_1 &lt; … &lt; τ_S: 0, ⌊M/S⌋, 2⌊M/S⌋, … below M.</summary>
    public int[] Timesteps() => _schedule.UniformSkip(Options.Steps);

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The operator has no cheap exact SVD for the A⁺y initialisation.</exception>
    public Tensor Sample(Tensor xStart, Tensor y, ForwardOperator op, Action<SamplerStep>? onStep = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(xStart);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(op);
        using var runScope = NewDisposeScope();
        Tensor mu, measurements;
        using (var svd = OperatorSvd.For(op, (int)xStart.shape[2], (int)xStart.shape[3], Options.SingularValueFloor))
        {
            mu = svd.PseudoInverse(y).detach();
            measurements = tensor((double)(svd.MeasuredPerChannel * y.shape[0] * y.shape[1]));
        }
        var firstMoment = zeros_like(mu);
        var secondMoment = zeros_like(mu);
        double b1 = Options.Beta1, b2 = Options.Beta2;
        var steps = Timesteps();
        Tensor? x0 = null;
        long runEvaluations = 0;
        for (var k = steps.Length - 1; k >= 0; k--)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var t = steps[k];
            double alphaBar = _schedule.AlphaBar(t), sigma = _schedule.Sigma(t);
            var noiseX0 = _noise.NextLike(mu);
            var noiseXt = _noise.NextLike(mu);
            var muVar = mu.detach().requires_grad_(true);
            var sample = muVar + Options.SigmaX0 * noiseX0;
            Tensor epsilon;
            using (no_grad())
            {
                var xt = Math.Sqrt(alphaBar) * sample.detach() + Math.Sqrt(1 - alphaBar) * noiseXt;
                var xMod = xt / Math.Sqrt(alphaBar);
                epsilon = (xMod - _denoiser.Denoise(xMod, sigma)) / sigma;
            }
            runEvaluations++;
            Interlocked.Increment(ref _networkEvaluations);
            var observation = (y - op.Apply(sample)).square().sum() / measurements / 2;
            var denoising = ((epsilon - noiseXt) * sample).mean();
            var loss = Options.Lambda * sigma * denoising + Options.ObservationWeight * observation;
            var gradient = torch.autograd.grad([loss], [muVar])[0].detach();

            // Adam (PyTorch's update order: bias-corrected second moment under the square root, then + ε).
            var step = steps.Length - k;
            var first = firstMoment * b1 + gradient * (1 - b1);
            var second = secondMoment * b2 + gradient.square() * (1 - b2);
            var denominator = second.sqrt() / Math.Sqrt(1 - Math.Pow(b2, step)) + Options.AdamEpsilon;
            var next = mu - (Options.LearningRate / (1 - Math.Pow(b1, step))) * first / denominator;
            if (!isfinite(next).all().item<bool>())
                throw new SamplerDivergedException(string.Create(CultureInfo.InvariantCulture,
                    $"RED-Diff diverged at step {step} (t = {t}): μ became NaN or infinite. Lower the learning rate ({Options.LearningRate:g4})."), step - 1, 0);
            var drawn = sample.detach();
            onStep?.Invoke(new SamplerStep(step - 1, sigma, drawn, observation.item<double>() * 2 * measurements.item<double>(), next, drawn, steps.Length, runEvaluations));
            mu.Dispose();
            firstMoment.Dispose();
            secondMoment.Dispose();
            mu = scope.MoveToOuter(next);
            firstMoment = scope.MoveToOuter(first);
            secondMoment = scope.MoveToOuter(second);
            x0?.Dispose();
            x0 = scope.MoveToOuter(drawn);
        }
        return runScope.MoveToOuter(x0!);
    }
}
