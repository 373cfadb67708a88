using Spgd.Core.Denoising;
using Spgd.Core.Diagnostics;
using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Restoration;

/// <summary>
/// Runs simulated restorations end to end on one device: builds the operator from the request's seed, simulates the
/// measurement y, draws x_T = σ_max·n, runs the sampler that <see cref="SpgdOptions.Algorithm"/> selects (SPGD by default) and returns the results on the CPU.
/// </summary>
/// <remarks>
/// Deterministic: every random draw comes from a sub-seed of <see cref="RestorationRequest.Seed"/> (see
/// <see cref="ItemSeed"/>) on a CPU generator, so the same request gives bit-identical results on the CPU (GPU kernels
/// may add last-bit differences). Each call builds its own sampler, so one restorer may serve concurrent calls if the
/// denoiser allows it.
/// </remarks>
/// <param name="denoiser">The prior, already on <paramref name="device"/>.</param>
/// <param name="device">Where the operator, the measurement and the sampler run.</param>
public sealed class Restorer(IDenoiser denoiser, Device device)
{
    private readonly IDenoiser _denoiser = denoiser ?? throw new ArgumentNullException(nameof(denoiser));
    private readonly Device _device = device ?? throw new ArgumentNullException(nameof(device));

    /// <summary>Degrades and restores <see cref="RestorationRequest.Clean"/>; see the class remarks.</summary>
    /// <param name="request">What to restore and how.</param>
    /// <param name="onStep">Progress after each outer step; its tensors are only valid during the call.</param>
    /// <param name="ct">Checked before every network evaluation.</param>
    /// <param name="diagnostics">Optional sink of per-step gradient diagnostics (g_l/g_d angles); null computes none.</param>
    /// <exception cref="ArgumentException">Invalid image shape, operator settings or sampler options (the message says which).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="SamplerDivergedException">The sampler diverged; lower the learning rate.</exception>
    public RestorationResult Restore(RestorationRequest request, Action<SamplerStep>? onStep = null, CancellationToken ct = default,
        IGradientDiagnosticsSink? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Clean);
        ArgumentNullException.ThrowIfNull(request.Operator);
        ArgumentNullException.ThrowIfNull(request.Sampler);
        var shape = request.Clean.shape;
        if (request.Clean.dim() is not (3 or 4))
            throw new ArgumentException($"The clean image must be [C, H, W] or [B, C, H, W]; got shape [{string.Join(", ", shape)}].", nameof(request));
        // A baseline runs at its protocol for the task, drawing from its own stream seeded per item.
        using var baselineNoise = BaselineSamplers.NameOf(request.Sampler.Algorithm) is null ? null : new GeneratorNoiseSource((long)ItemSeed.ForSampler(request.Seed));
        var sampler = baselineNoise is null
            ? PosteriorSamplers.Create(_denoiser, request.Sampler, diagnostics)
            : BaselineSamplers.Create(BaselineSamplers.NameOf(request.Sampler.Algorithm)!, _denoiser, request.Operator.CanonicalTask, request.Operator.NoiseSigma, baselineNoise);

        using var scope = NewDisposeScope();
        var clean = (request.Clean.dim() == 3 ? request.Clean.unsqueeze(0) : request.Clean).detach().to(ScalarType.Float32).to(_device);
        int height = (int)clean.shape[2], width = (int)clean.shape[3];
        using var op = OperatorFactory.Create(request.Operator, height, width, ItemSeed.ForOperator(request.Seed));
        op.To(_device);
        var y = Measurement.Simulate(op, clean, request.Operator.NoiseSigma, ItemSeed.ForNoise(request.Seed));

        using var generator = new Generator(ItemSeed.ForStart(request.Seed), CPU);
        var start = (randn(clean.shape, ScalarType.Float32, generator: generator) * request.Sampler.SigmaMax).to(_device);

        Tensor? lastX0Hat = null;
        var restored = sampler.Sample(start, y, op, step =>
        {
            if (step.Step == step.TotalSteps - 1)
            {
                lastX0Hat = step.X0Hat.detach().cpu().clone();
                lastX0Hat.DetachFromDisposeScope();
            }
            onStep?.Invoke(step);
        }, ct);

        return new RestorationResult(Owned(restored), Owned(y), lastX0Hat, sampler.NetworkEvaluations);
    }

    /// <summary>
    /// Restores several independent items as one batch: each request keeps its own seed (its operator's random parts,
    /// its measurement noise and its start x_T are drawn exactly as <see cref="Restore"/> draws them for that request
    /// alone), the items are stacked on the batch dimension and one sampler run serves them all, so every network
    /// evaluation sees the whole batch. Returns one result per request, in order.
    /// </summary>
    /// <remarks>
    /// An item's result equals its <see cref="Restore"/> result up to float32 round-off: the SPGD objective is summed
    /// over the batch, so its gradient with respect to one sample does not involve the others, and ADM's cosine,
    /// DiffStateGrad's SVD and DPS's residual norm are all per sample; only kernels whose blocking depends on the batch
    /// size (convolutions, matmuls) change the last bits. A batch of one is bit-identical to <see cref="Restore"/>.
    /// Failure is shared: one diverging item throws for the batch, so a caller that wants isolation re-runs the items
    /// alone when this throws.
    /// </remarks>
    /// <param name="requests">At least one request; all with equal <see cref="RestorationRequest.Operator"/> and
    /// <see cref="RestorationRequest.Sampler"/> settings and clean images of one shape, [C, H, W] or [1, C, H, W].</param>
    /// <param name="ct">Checked before every network evaluation.</param>
    /// <exception cref="ArgumentException">No requests, mixed settings or shapes, or a batch inside a request (the message says which item).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="SamplerDivergedException">The sampler diverged on some item of the batch.</exception>
    public IReadOnlyList<RestorationResult> RestoreBatch(IReadOnlyList<RestorationRequest> requests, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0) throw new ArgumentException("A batch needs at least one request.", nameof(requests));
        var first = requests[0] ?? throw new ArgumentException("Request 0 is null.", nameof(requests));
        for (var k = 0; k < requests.Count; k++)
        {
            var r = requests[k] ?? throw new ArgumentException($"Request {k} is null.", nameof(requests));
            ArgumentNullException.ThrowIfNull(r.Clean);
            if (!(r.Clean.dim() == 3 || (r.Clean.dim() == 4 && r.Clean.shape[0] == 1)))
                throw new ArgumentException($"Request {k}: a batched item's clean image must be [C, H, W] or [1, C, H, W]; got shape [{string.Join(", ", r.Clean.shape)}].", nameof(requests));
            if (!r.Clean.shape.TakeLast(3).SequenceEqual(first.Clean.shape.TakeLast(3)))
                throw new ArgumentException($"Request {k}: image shape [{string.Join(", ", r.Clean.shape)}] differs from request 0's [{string.Join(", ", first.Clean.shape)}]; batch only same-sized images.", nameof(requests));
            if (r.Operator != first.Operator) throw new ArgumentException($"Request {k}: operator settings differ from request 0's; batch only items of one task and parameters.", nameof(requests));
            if (r.Sampler != first.Sampler) throw new ArgumentException($"Request {k}: sampler settings differ from request 0's; batch only items of one schedule.", nameof(requests));
        }
        if (BaselineSamplers.NameOf(first.Sampler.Algorithm) is { } baseline)
            throw new ArgumentException($"Sampler {baseline} draws its own noise per item: restore its items one by one.", nameof(requests));
        var sampler = PosteriorSamplers.Create(_denoiser, first.Sampler);

        using var scope = NewDisposeScope();
        var operators = new List<ForwardOperator>(requests.Count);
        try
        {
            var measurements = new Tensor[requests.Count];
            var starts = new Tensor[requests.Count];
            for (var k = 0; k < requests.Count; k++)
            {
                var r = requests[k];
                var clean = (r.Clean.dim() == 3 ? r.Clean.unsqueeze(0) : r.Clean).detach().to(ScalarType.Float32).to(_device);
                var op = OperatorFactory.Create(r.Operator, (int)clean.shape[2], (int)clean.shape[3], ItemSeed.ForOperator(r.Seed));
                operators.Add(op);
                op.To(_device);
                measurements[k] = Measurement.Simulate(op, clean, r.Operator.NoiseSigma, ItemSeed.ForNoise(r.Seed));
                using var generator = new Generator(ItemSeed.ForStart(r.Seed), CPU);
                starts[k] = (randn(clean.shape, ScalarType.Float32, generator: generator) * r.Sampler.SigmaMax).to(_device);
            }

            var stacked = new StackedOperator(operators);
            var y = cat(measurements, 0);
            Tensor? lastX0Hat = null;
            var restored = sampler.Sample(cat(starts, 0), y, stacked, step =>
            {
                if (step.Step != step.TotalSteps - 1) return;
                // The step's tensors die with the sampler's step scope: keep a copy this method frees.
                lastX0Hat = step.X0Hat.detach().cpu().clone();
                lastX0Hat.DetachFromDisposeScope();
            }, ct);

            var results = new RestorationResult[requests.Count];
            for (var k = 0; k < requests.Count; k++)
                results[k] = new RestorationResult(Owned(restored.narrow(0, k, 1)), Owned(measurements[k]),
                    lastX0Hat is null ? null : Owned(lastX0Hat.narrow(0, k, 1)), sampler.NetworkEvaluations);
            lastX0Hat?.Dispose();
            return results;
        }
        finally
        {
            foreach (var op in operators) op.Dispose();
        }
    }

    /// <summary>A CPU copy that no dispose scope will free: the result owns it.</summary>
    private static Tensor Owned(Tensor t)
    {
        var copy = t.detach().cpu().clone();
        copy.DetachFromDisposeScope();
        return copy;
    }
}
