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
        var sampler = PosteriorSamplers.Create(_denoiser, request.Sampler, diagnostics);

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

    /// <summary>A CPU copy that no dispose scope will free: the result owns it.</summary>
    private static Tensor Owned(Tensor t)
    {
        var copy = t.detach().cpu().clone();
        copy.DetachFromDisposeScope();
        return copy;
    }
}
