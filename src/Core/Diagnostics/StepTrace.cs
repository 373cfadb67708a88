using System.Text.Json;
using System.Text.Json.Serialization;
using Spgd.Core.Sampling;
using static TorchSharp.torch;

namespace Spgd.Core.Diagnostics;

/// <summary>
/// Collects a run's per-step series for reports (paper Fig. 2 and Fig. 6): pass <see cref="OnStep"/> as the sampler's
/// step callback and the trace itself as its diagnostics sink. Per step and sample it keeps the PSNR of x̂₀ (clipped to
/// [−1, 1], mapped to [0, 1], −10·log10(MSE + 1e-8) as piq), an optional LPIPS of x̂₀, and the three gradient angles.
/// Holds a CPU copy of the clean batch: dispose when done. Not thread-safe (one trace per run).
/// </summary>
public sealed class StepTrace : IGradientDiagnosticsSink, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly Tensor _clean;
    private readonly Func<Tensor, Tensor, double[]>? _lpips;
    private readonly SortedDictionary<int, (double Sigma, double[]? Psnr, double[]? Lpips)> _quality = new();
    private readonly SortedDictionary<int, GradientStepDiagnostics> _angles = new();

    /// <summary>Creates a trace against <paramref name="clean"/> ([B, C, H, W] in [−1, 1]).</summary>
    /// <param name="clean">The clean images.</param>
    /// <param name="lpips">Optional LPIPS measure (reference, candidate) → one value per sample, e.g. Core's metrics.</param>
    public StepTrace(Tensor clean, Func<Tensor, Tensor, double[]>? lpips = null)
    {
        ArgumentNullException.ThrowIfNull(clean);
        if (clean.dim() != 4) throw new ArgumentException($"The clean batch must be [B, C, H, W]; got [{string.Join(", ", clean.shape)}].", nameof(clean));
        _clean = clean.detach().cpu().to(ScalarType.Float32).clone();
        _clean.DetachFromDisposeScope();
        _lpips = lpips;
    }

    /// <summary>The sampler's step callback: measures x̂₀.</summary>
    public void OnStep(SamplerStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        using var scope = NewDisposeScope();
        var estimate = step.X0Hat.detach().cpu().to(ScalarType.Float32).clamp(-1, 1);
        var mse = ((estimate - _clean) / 2).square().mean([1, 2, 3]).to(ScalarType.Float64);
        var psnr = (mse + 1e-8).log10().mul(-10).data<double>().ToArray();
        _quality[step.Step] = (step.Sigma, psnr, _lpips?.Invoke(_clean, estimate));
    }

    /// <inheritdoc />
    public void Record(GradientStepDiagnostics step)
    {
        ArgumentNullException.ThrowIfNull(step);
        _angles[step.Step] = step;
    }

    /// <summary>The series of sample <paramref name="sample"/> in step order.</summary>
    public IReadOnlyList<StepTraceEntry> For(int sample)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sample);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(sample, (int)_clean.shape[0]);
        return _quality.Keys.Union(_angles.Keys).Order().Select(i =>
        {
            var hasQuality = _quality.TryGetValue(i, out var q);
            _angles.TryGetValue(i, out var a);
            return new StepTraceEntry(i, hasQuality ? q.Sigma : a!.Sigma,
                q.Psnr?[sample], q.Lpips?[sample],
                a?.LikelihoodDenoisingAngle[sample], a?.LikelihoodTurnAngle?[sample], a?.DenoisingTurnAngle?[sample]);
        }).ToList();
    }

    /// <summary>The series of one sample as the JSON array stored as <c>{image}-run{r}.steps.json</c> (camelCase).</summary>
    public string ToJson(int sample = 0) => JsonSerializer.Serialize(For(sample), Json);

    /// <inheritdoc />
    public void Dispose() => _clean.Dispose();
}
