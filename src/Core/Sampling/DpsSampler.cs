using System.Globalization;
using Spgd.Core.Denoising;
using Spgd.Core.Diagnostics;
using Spgd.Core.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Sampling;

/// <summary>
/// The DPS baseline (Chung et al., "Diffusion Posterior Sampling", ICLR 2023) on SPGD's <see cref="EdmSchedule"/>: per
/// outer step, x̂₀ = D(x_t, σ_i), the deterministic Euler denoising step x' = x_t + (x̂₀ − x_t)·step_i/(2σ_i²), then
/// the likelihood step x_{t−1} = x' − ζ·∇_{x_t} Σ_b ‖y_b − A(x̂₀_b)‖ (the gradient of each sample's residual norm, as
/// the official code, taken through the denoiser at x_t). One network evaluation per step; ζ is
/// <see cref="SpgdOptions.DpsStepSize"/>. Warm-up, learning rate and ADM settings are not used.
/// </summary>
/// <remarks>
/// Checked against DPS Algorithm 1: x̂₀ from the score at x_i, the unconditional update x'_{i−1}, then
/// x_{i−1} = x'_{i−1} − ζ_i·∇_{x_i}‖y − A(x̂₀)‖ with the gradient taken at x_i (not at x'). Two deliberate differences:
/// the denoising update is the deterministic Euler step of the EDM schedule (no ancestral noise), so DPS and SPGD share
/// σ_i and differ only in the guidance; and the norm is per sample (the official code takes one norm over the whole
/// batch, which couples a batch's samples; for B = 1 they agree).
/// </remarks>
public sealed class DpsSampler : IPosteriorSampler
{
    private readonly IDenoiser _denoiser;
    private readonly EdmSchedule _schedule;
    private readonly IGradientDiagnosticsSink? _diagnostics;
    private long _networkEvaluations;

    /// <summary>Creates the sampler.</summary>
    /// <param name="denoiser">The prior.</param>
    /// <param name="options">The run's settings (schedule and ζ).</param>
    /// <param name="diagnostics">Optional sink of per-step gradient diagnostics; null computes none.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public DpsSampler(IDenoiser denoiser, SpgdOptions options, IGradientDiagnosticsSink? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _denoiser = denoiser;
        Options = options;
        _schedule = options.Schedule();
        _diagnostics = diagnostics;
    }

    /// <summary>The run's settings.</summary>
    public SpgdOptions Options { get; }

    /// <inheritdoc />
    public long NetworkEvaluations => Interlocked.Read(ref _networkEvaluations);

    /// <inheritdoc />
    public Tensor Sample(Tensor xStart, Tensor y, ForwardOperator op, Action<SamplerStep>? onStep = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(xStart);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(op);
        using var runScope = NewDisposeScope();
        using var tracker = _diagnostics is null ? null : new GradientTracker(_diagnostics);
        var x = xStart.detach();
        long runEvaluations = 0;
        for (var i = 0; i < _schedule.Steps; i++)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var sigma = _schedule.Sigmas[i];
            var xg = x.detach().requires_grad_(true);
            var estimate = _denoiser.Denoise(xg, sigma);
            runEvaluations++;
            Interlocked.Increment(ref _networkEvaluations);
            var residualNorms = (y - op.Apply(estimate)).flatten(1).norm(1);
            var gradient = torch.autograd.grad([residualNorms.sum()], [xg])[0].detach();
            var denoised = estimate.detach();
            var ode = xg.detach() + (denoised - xg.detach()) * (_schedule.StepFactors[i] * 0.5 / (sigma * sigma));
            var next = ode - Options.DpsStepSize * gradient;
            if (!isfinite(next).all().item<bool>())
                throw new SamplerDivergedException(string.Create(CultureInfo.InvariantCulture,
                    $"DPS diverged at outer step {i + 1} (σ = {sigma:g4}): x became NaN or infinite. Lower the step size ζ (SpgdOptions.DpsStepSize = {Options.DpsStepSize:g4})."),
                    i, 0);
            tracker?.Observe(i, sigma, next - ode, ode - xg.detach());
            var loss = residualNorms.square().sum().item<float>();
            onStep?.Invoke(new SamplerStep(i, sigma, denoised, loss, next, ode, _schedule.Steps, runEvaluations));
            if (!ReferenceEquals(x, xStart)) x.Dispose();
            x = scope.MoveToOuter(next);
        }
        return runScope.MoveToOuter(x);
    }
}
