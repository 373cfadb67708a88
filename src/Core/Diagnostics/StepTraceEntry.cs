namespace Spgd.Core.Diagnostics;

/// <summary>
/// One outer step of one sample, as stored beside an item's record (<c>{image}-run{r}.steps.json</c>) for reports:
/// x̂₀ quality against the clean image and the step's gradient angles (radians; see <see cref="GradientStepDiagnostics"/>).
/// </summary>
/// <param name="Step">0-based outer step.</param>
/// <param name="Sigma">σ of the step.</param>
/// <param name="X0HatPsnr">PSNR (dB) of x̂₀ clipped to [−1, 1] against the clean image; null if not measured.</param>
/// <param name="X0HatLpips">LPIPS of x̂₀ when an LPIPS measure was given.</param>
/// <param name="LikelihoodDenoisingAngle">∠(g_l, g_d).</param>
/// <param name="LikelihoodTurnAngle">∠(previous g_l, g_l); null at the first step.</param>
/// <param name="DenoisingTurnAngle">∠(previous g_d, g_d); null at the first step.</param>
public sealed record StepTraceEntry(
    int Step,
    double Sigma,
    double? X0HatPsnr,
    double? X0HatLpips,
    double? LikelihoodDenoisingAngle,
    double? LikelihoodTurnAngle,
    double? DenoisingTurnAngle);
