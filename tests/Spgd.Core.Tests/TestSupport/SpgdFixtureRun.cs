using System.Text.Json;
using Spgd.Core.Denoising;
using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.TestSupport;

/// <summary>
/// Replays one fixtures/spgd run and measures the errors against the official trajectories.
/// </summary>
/// <remarks>
/// The official code records tensors that its in-place SGD later overwrites (<c>detach()</c> shares storage and
/// <c>.cpu()</c> does not copy on a CPU run), and we measured that the fixtures carry this: <c>x_start.npy</c> holds
/// x⁽ᴺ⁾ of outer step 0 (x_T after the first warm-up), and <c>xt_trajectory[i]</c> for i &lt; T−1 holds x⁽ᴺ⁾ of outer
/// step i+1; only the last entry is a true x_{t−1} (= output). So the replay first recovers x_T as the fixed point
/// x_T = x_start.npy + (x_T − x⁽ᴺ⁾(x_T)) (the warm-up barely depends on x_T at σ_max, so a few iterations converge),
/// then compares x⁽ᴺ⁾ of step i+1 with <c>xt_trajectory[i]</c>, x̂₀ with <c>x0hat_trajectory[i]</c> and the output.
/// </remarks>
internal static class SpgdFixtureRun
{
    public static SpgdOptions Options(string run)
    {
        var config = Fixtures.Json("spgd", run, "config.json");
        var annealing = config.GetProperty("annealing");
        return new SpgdOptions
        {
            Steps = annealing.GetProperty("num_steps").GetInt32(),
            SigmaMax = annealing.GetProperty("sigma_max").GetDouble(),
            SigmaMin = annealing.GetProperty("sigma_min").GetDouble(),
            Warmup = config.GetProperty("warmup_steps").GetInt32(),
            LearningRate = config.GetProperty("lr").GetDouble(),
            LrMinRatio = config.GetProperty("lr_min_ratio").GetDouble(),
            Beta = config.GetProperty("beta").GetDouble(),
            Preset = config.GetProperty("preset").GetString() == "reference" ? SpgdPreset.Reference : SpgdPreset.Paper,
            DiffStateGradTau = config.GetProperty("diffstategrad_tau").ValueKind == JsonValueKind.Null
                ? null
                : config.GetProperty("diffstategrad_tau").GetDouble(),
        };
    }

    /// <summary>The spectral prior of the prior_* runs (v 0.25, α 2).</summary>
    public static SpectralGaussianPrior FixturePrior { get; } = new(0.25, 2);

    public sealed record Errors(double Output, double WorstXt, double WorstX0Hat, double StartRecovery, long Evaluations)
    {
        public override string ToString() =>
            $"output {Output:e3}, worst x_t {WorstXt:e3}, worst x̂₀ {WorstX0Hat:e3}, x_T fixed point {StartRecovery:e3}, NFE {Evaluations}";
    }

    public static Errors Compare(string run, IDenoiser denoiser, ForwardOperator op)
    {
        using var scope = NewDisposeScope();
        var options = Options(run);
        var recorded = Fixtures.Load("spgd", run, "x_start.npy");
        var y = Fixtures.Load("spgd", run, "y.npy");
        var expectedOutput = Fixtures.Load("spgd", run, "output.npy");
        var expectedXt = Fixtures.Load("spgd", run, "xt_trajectory.npy");
        var expectedX0 = Fixtures.Load("spgd", run, "x0hat_trajectory.npy");

        // Fixed-point iteration x_T ← x_T + (recorded − x⁽ᴺ⁾(x_T)); the error contracts by a roughly constant factor ρ
        // (≈ 0 on the prior, ≈ 0.27 through the UNet), so each correction is scaled by 1/(1 − ρ) (Aitken-style).
        var start = recorded.clone();
        double startError = double.NaN, previousError = double.NaN;
        for (var k = 0; k < 12; k++)
        {
            var residual = recorded - FirstRefined(denoiser, options, start, y, op);
            startError = (residual.norm() / recorded.norm()).item<float>();
            if (startError < 1e-7) break;
            var ratio = k == 0 ? 0 : Math.Clamp(startError / previousError, 0, 0.8);
            start = start + residual / (1 - ratio);
            previousError = startError;
        }

        var sampler = new SpgdSampler(denoiser, options);
        double worstXt = 0, worstX0 = 0;
        var steps = 0;
        var output = sampler.Sample(start, y, op, step =>
        {
            if (step.Step > 0) worstXt = Math.Max(worstXt, Fixtures.RelativeL2(step.XRefined, expectedXt[step.Step - 1]));
            worstX0 = Math.Max(worstX0, Fixtures.RelativeL2(step.X0Hat, expectedX0[step.Step]));
            steps++;
        });
        worstXt = Math.Max(worstXt, Fixtures.RelativeL2(output, expectedXt[options.Steps - 1]));
        Assert.Equal(options.Steps, steps);
        Assert.Equal(options.Steps * options.Warmup, sampler.NetworkEvaluations);
        return new Errors(Fixtures.RelativeL2(output, expectedOutput), worstXt, worstX0, startError, sampler.NetworkEvaluations);
    }

    /// <summary>x⁽ᴺ⁾ of outer step 0 when starting from <paramref name="start"/>: the run is cancelled right after step 0.</summary>
    private static Tensor FirstRefined(IDenoiser denoiser, SpgdOptions options, Tensor start, Tensor y, ForwardOperator op)
    {
        using var cts = new CancellationTokenSource();
        Tensor? refined = null;
        try
        {
            new SpgdSampler(denoiser, options).Sample(start, y, op, step =>
            {
                refined = step.XRefined.detach().clone();
                refined.DetachFromDisposeScope();
                cts.Cancel();
            }, cts.Token);
        }
        catch (OperationCanceledException) when (refined is not null)
        {
        }
        return refined ?? throw new InvalidOperationException("The first outer step did not report.");
    }
}
