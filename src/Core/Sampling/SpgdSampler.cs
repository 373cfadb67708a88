using System.Globalization;
using Spgd.Core.Denoising;
using Spgd.Core.Diagnostics;
using Spgd.Core.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Sampling;

/// <summary>
/// SPGD (Stabilized Progressive Gradient Diffusion): at each outer step i of an <see cref="EdmSchedule"/>, N warm-up
/// iterations x⁽ʲ⁺¹⁾ = x⁽ʲ⁾ − η_i·ĝ descend L = Σ‖A(D(x⁽ʲ⁾, σ_i)) − y‖² (summed over the batch; ĝ optionally projected
/// by DiffStateGrad and smoothed by <see cref="AdaptiveDirectionalMomentum"/> when <see cref="SpgdOptions.EffectiveAdm"/>), then one Euler denoising step
/// x_{t−1} = x⁽ᴺ⁾ + s·step_i/2 with the score s = (x̂₀ − x⁽ᴺ⁻¹⁾)/σ_i² of the last iteration: N network
/// evaluations per outer step.
/// </summary>
/// <remarks>
/// Gradients come from TorchSharp autograd through the denoiser and the operator; model weights must not require
/// grad. Each iteration runs in its own dispose scope, so memory stays flat over a run. Not thread-safe: use one
/// sampler per concurrent run.
/// </remarks>
public sealed class SpgdSampler : IPosteriorSampler
{
    private readonly IDenoiser _denoiser;
    private readonly EdmSchedule _schedule;
    private readonly LearningRateSchedule _learningRates;
    private readonly IGradientDiagnosticsSink? _diagnostics;
    private long _networkEvaluations;

    /// <summary>Creates a sampler over <paramref name="denoiser"/>.</summary>
    /// <param name="denoiser">The prior.</param>
    /// <param name="options">The run's settings.</param>
    /// <param name="diagnostics">Optional sink of per-step gradient diagnostics (see <see cref="GradientStepDiagnostics"/>
    /// for the definitions of g_l and g_d); null computes none.</param>
    /// <exception cref="ArgumentException">The options are invalid (the message lists why).</exception>
    public SpgdSampler(IDenoiser denoiser, SpgdOptions options, IGradientDiagnosticsSink? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _denoiser = denoiser;
        Options = options;
        _schedule = options.Schedule();
        _learningRates = options.LearningRates();
        _diagnostics = diagnostics;
    }

    /// <summary>The run's settings.</summary>
    public SpgdOptions Options { get; }

    /// <summary>The outer noise schedule.</summary>
    public EdmSchedule Schedule => _schedule;

    /// <summary>Denoiser (network) evaluations made by this sampler so far, over all runs.</summary>
    public long NetworkEvaluations => Interlocked.Read(ref _networkEvaluations);

    /// <summary>
    /// Runs SPGD from <paramref name="xStart"/> (x_T, NCHW, typically σ_max·n) towards a restoration consistent with
    /// <paramref name="y"/> = A(x) + noise, and returns the final x (detached, on xStart's device, owned by the caller).
    /// </summary>
    /// <param name="xStart">The initial state x_T; it is not modified.</param>
    /// <param name="y">The measurement, on the same device.</param>
    /// <param name="op">The forward operator A, on the same device.</param>
    /// <param name="onStep">Called after each outer step; its tensors are only valid during the call.</param>
    /// <param name="ct">Checked before every network evaluation.</param>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="SamplerDivergedException">x became NaN or infinite; lower the learning rate.</exception>
    public Tensor Sample(Tensor xStart, Tensor y, ForwardOperator op, Action<SamplerStep>? onStep = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(xStart);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(op);
        if (xStart.dim() != 4)
            throw new ArgumentException($"xStart must be an NCHW batch; got shape [{string.Join(", ", xStart.shape)}].", nameof(xStart));
        using var runScope = NewDisposeScope();
        using var tracker = _diagnostics is null ? null : new GradientTracker(_diagnostics);
        var x = xStart.detach();
        long runEvaluations = 0;
        Tensor? carried = null; // ADM's smoothed gradient across outer steps (AdmAcrossSteps only)
        for (var i = 0; i < _schedule.Steps; i++)
        {
            using var stepScope = NewDisposeScope();
            var next = OuterStep(i, x, y, op, ct, ref runEvaluations, ref carried, out var refined, out var x0Hat, out var loss);
            if (carried is not null) carried = stepScope.MoveToOuter(carried);
            tracker?.Observe(i, _schedule.Sigmas[i], refined - x, next - refined);
            onStep?.Invoke(new SamplerStep(i, _schedule.Sigmas[i], x0Hat, loss, next, refined, _schedule.Steps, runEvaluations));
            // Free x_t now rather than at the end of the run, so memory stays flat over T.
            var previous = x;
            x = stepScope.MoveToOuter(next);
            previous.Dispose();
        }
        return runScope.MoveToOuter(x);
    }

    private Tensor OuterStep(int i, Tensor xt, Tensor y, ForwardOperator op, CancellationToken ct, ref long runEvaluations, ref Tensor? carried,
        out Tensor refined, out Tensor x0Hat, out double loss)
    {
        var sigma = _schedule.Sigmas[i];
        var lr = _learningRates.At(i);
        var beta = Options.EffectiveBeta;
        var adm = Options.EffectiveAdm;
        var project = Options.DiffStateGradTau is not null && i % Options.DiffStateGradPeriod == 0;
        DiffStateGradProjector? projector = null;
        // The paper resets the momentum at each outer step; the trajectory ablation starts from the previous step's.
        var across = adm && Options.AdmAcrossSteps;
        Tensor? smoothed = across ? carried : null;
        var x = xt;
        Tensor score = null!;
        x0Hat = null!;
        refined = null!;
        loss = double.NaN;
        try
        {
            for (var j = 0; j < Options.Warmup; j++)
            {
                ct.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var xg = x.detach().requires_grad_(true);
                var estimate = _denoiser.Denoise(xg, sigma);
                runEvaluations++;
                Interlocked.Increment(ref _networkEvaluations);
                var objective = (op.Apply(estimate) - y).square().sum();
                var gradient = torch.autograd.grad([objective], [xg])[0].detach();
                var denoised = estimate.detach();

                if (project)
                {
                    if (j == 0) projector = DiffStateGradProjector.FromState(denoised, Options.DiffStateGradTau!.Value);
                    gradient = projector!.Project(gradient);
                }
                // Without ADM (the reference preset's default: the official code computes a smoothed gradient but steps
                // with the raw one) the smoothing cannot change the output, so it is skipped.
                var direction = !adm ? gradient : smoothed is null ? gradient : AdaptiveDirectionalMomentum.Smooth(smoothed, gradient, beta);
                var xNext = xg.detach() - lr * direction;
                if (!isfinite(xNext).all().item<bool>())
                    throw Diverged(i, j, sigma, lr);

                if (adm)
                {
                    smoothed?.Dispose();
                    smoothed = scope.MoveToOuter(direction);
                }
                if (!ReferenceEquals(x, xt)) x.Dispose();
                x = scope.MoveToOuter(xNext);
                if (j == Options.Warmup - 1)
                {
                    score = scope.MoveToOuter((denoised - xg.detach()) / (sigma * sigma));
                    x0Hat = scope.MoveToOuter(denoised);
                    loss = objective.item<float>();
                }
            }
            refined = x;
            if (across) carried = smoothed;
            return x + score * _schedule.StepFactors[i] * 0.5;
        }
        finally
        {
            projector?.Dispose();
        }
    }

    private static SamplerDivergedException Diverged(int i, int j, double sigma, double lr) => new(
        string.Create(CultureInfo.InvariantCulture,
            $"SPGD diverged at outer step {i + 1} (σ = {sigma:g4}), warm-up iteration {j + 1}: the iterate x or its gradient became NaN or infinite. " +
            $"Lower the learning rate (lr; η at this step was {lr:g4}), e.g. halve SpgdOptions.LearningRate."),
        i, j);
}
