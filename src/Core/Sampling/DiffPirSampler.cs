using System.Globalization;
using Spgd.Core.Denoising;
using Spgd.Core.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Sampling;

/// <summary>
/// DiffPIR (Zhu et al., CVPRW 2023, Algorithm 1), as its official scripts (<c>main_ddpir_{inpainting,deblur,sisr}.py</c>):
/// timesteps t_1 &gt; … &gt; t_S from the "quad" schedule (t_i = M − 1 − ⌊√(i·M²/(S−1))⌋, the last one 0), ρ_t = λσ²/σ_t²
/// with σ = max(10⁻³, σ_y/2), and per step:
/// <list type="number">
/// <item>x̂₀ = clip(D(x_t/√ᾱ_t, σ_t), −1, 1);</item>
/// <item>data step (not at the last step): x̂₀ ← argmin_x ‖y − A(x)‖² + ρ_t‖x − x̂₀‖², in closed form for inpainting
/// ((m·y + ρx̂₀)/(m + ρ)), by FFT for deblurring, and for super-resolution the paper's FFT closed form for
/// y = (k ⊛ x)↓s with k the Resizer's filter (the scripts' default <c>sr_mode = 'blur'</c>), both made exact for this
/// project's operators (<see cref="DiffPirDataStep"/>);</item>
/// <item>x_{t′} = √ᾱ_{t′}·x̂₀ + √(1−ζ)·(√(1−ᾱ_{t′} − σ_η²)·ε̂ + σ_η·n₁) + √ζ·√(1−ᾱ_{t′})·n₂ with
/// ε̂ = (x_t − √ᾱ_t·x̂₀)/√(1−ᾱ_t), σ_η = η·√(1−ᾱ_{t′})/√(1−ᾱ_t)·√β_t (not at the last step).</item>
/// </list>
/// The result is x after the loop: the official scripts return the last step's input x (its x̂₀ is computed but not
/// used). x starts at the measurement diffused to t_1: inpainting and deblurring x = s·y′ + √((1−ᾱ_{t_1}) − s²(1−ᾱ_{t_y}))·n
/// with s = √ᾱ_{t_1}/√ᾱ_{t_y} and t_y the step whose σ_t is nearest σ_y (y′ = y with unobserved pixels black, −1, as
/// the inpainting script reads its masked [0, 1] image); super-resolution x = √ᾱ_{t_1}·bicubic(y) + √(1−ᾱ_{t_1})·n
/// (OpenCV's INTER_CUBIC up-sampling, as the script).
/// </summary>
/// <remarks>
/// The official scripts measure with a circular blur (<c>mode='wrap'</c>, "important for analytical solution") and
/// solve with its FFT; this project's blur pads by reflection and its Resizer mirrors, so the FFT steps work on the
/// mirrored extension, where those operators are exactly circulant, and an asymmetric (motion) kernel's step is solved
/// by conjugate gradients (<see cref="DiffPirDataStep"/>). Phase retrieval and HDR have no data step here and are
/// refused. S network evaluations; no gradients through the network. x_start supplies shape and device only.
/// </remarks>
public sealed class DiffPirSampler : IPosteriorSampler
{
    private readonly IDenoiser _denoiser;
    private readonly INoiseSource _noise;
    private readonly DdpmSchedule _schedule;
    private long _networkEvaluations;

    /// <summary>Creates the sampler.</summary>
    /// <param name="denoiser">The prior.</param>
    /// <param name="options">Steps, λ, ζ, η.</param>
    /// <param name="noise">Where its Gaussian noise comes from.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public DiffPirSampler(IDenoiser denoiser, DiffPirOptions options, INoiseSource noise)
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
    public DiffPirOptions Options { get; }

    /// <inheritdoc />
    public long NetworkEvaluations => Interlocked.Read(ref _networkEvaluations);

    /// <summary>The visited timesteps, first to last (descending, ending at 0): the scripts' "quad" schedule.</summary>
    public int[] Timesteps()
    {
        int m = Options.TrainingTimesteps, s = Options.Steps;
        var step = (double)m * m / (s - 1);
        var t = new int[s];
        for (var i = 0; i < s; i++)
        {
            var position = i == s - 1 ? (double)m * m : i * step; // numpy.linspace ends exactly at its stop
            var index = (int)Math.Sqrt(position);
            if (i == s - 1) index -= 1;
            t[i] = m - 1 - index;
        }
        return t;
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">No data step for the operator (phase retrieval, HDR).</exception>
    public Tensor Sample(Tensor xStart, Tensor y, ForwardOperator op, Action<SamplerStep>? onStep = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(xStart);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(op);
        using var runScope = NewDisposeScope();
        using var noGrad = no_grad();
        using var data = DiffPirDataStep.For(op, y, xStart);
        var steps = Timesteps();
        var sigma = Math.Max(1e-3, Options.MeasurementNoise / 2);
        var first = steps[0];
        Tensor x;
        if (data.StartsFromCubicUpsampling)
            x = Math.Sqrt(_schedule.AlphaBar(first)) * data.Start + Math.Sqrt(1 - _schedule.AlphaBar(first)) * _noise.NextLike(xStart);
        else
        {
            var measured = _schedule.NearestStep(Options.MeasurementNoise);
            var scale = Math.Sqrt(_schedule.AlphaBar(first)) / Math.Sqrt(_schedule.AlphaBar(measured));
            var spread = Math.Sqrt((1 - _schedule.AlphaBar(first)) - scale * scale * (1 - _schedule.AlphaBar(measured)));
            x = scale * data.Start + spread * _noise.NextLike(xStart);
        }

        long runEvaluations = 0;
        for (var i = 0; i < steps.Length; i++)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var t = steps[i];
            double alphaBar = _schedule.AlphaBar(t), sigmaT = _schedule.Sigma(t);
            var x0 = _denoiser.Denoise(x / Math.Sqrt(alphaBar), sigmaT).clamp(-1, 1);
            runEvaluations++;
            Interlocked.Increment(ref _networkEvaluations);
            var next = x;
            var consistent = x0;
            if (i < steps.Length - 1)
            {
                var rho = Options.Lambda * sigma * sigma / (sigmaT * sigmaT);
                consistent = data.Proximal(x0, rho);
                var t2 = steps[i + 1];
                double alphaBarNext = _schedule.AlphaBar(t2);
                var epsilon = (x - Math.Sqrt(alphaBar) * consistent) / Math.Sqrt(1 - alphaBar);
                var etaSigma = Options.Eta * Math.Sqrt(1 - alphaBarNext) / Math.Sqrt(1 - alphaBar) * Math.Sqrt(_schedule.Beta(t));
                var kept = Math.Sqrt(1 - alphaBarNext - etaSigma * etaSigma) * epsilon + etaSigma * _noise.NextLike(x);
                next = Math.Sqrt(alphaBarNext) * consistent + Math.Sqrt(1 - Options.Zeta) * kept
                    + Math.Sqrt(Options.Zeta) * Math.Sqrt(1 - alphaBarNext) * _noise.NextLike(x);
                if (!isfinite(next).all().item<bool>())
                    throw new SamplerDivergedException(string.Create(CultureInfo.InvariantCulture,
                        $"DiffPIR diverged at step {i + 1} (t = {t}): x became NaN or infinite."), i, 0);
            }
            if (onStep is not null)
            {
                var loss = (op.Apply(x0) - y).square().sum().item<float>();
                onStep(new SamplerStep(i, sigmaT, x0, loss, next, consistent, steps.Length, runEvaluations));
            }
            if (!ReferenceEquals(next, x))
            {
                x.Dispose();
                x = scope.MoveToOuter(next);
            }
        }
        return runScope.MoveToOuter(x);
    }
}
