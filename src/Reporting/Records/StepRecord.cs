namespace Spgd.Reporting.Records;

/// <summary>
/// One outer step of one item's sampler run: quality of the denoised estimate x̂₀ and the gradient angles (radians) of
/// the step (see Core's <c>GradientStepDiagnostics</c> for g_l and g_d). Null where not recorded.
/// </summary>
/// <param name="Step">0-based outer step.</param>
/// <param name="Sigma">σ of the step.</param>
/// <param name="X0HatPsnr">PSNR of x̂₀ against the clean image.</param>
/// <param name="X0HatLpips">LPIPS of x̂₀ against the clean image.</param>
/// <param name="LikelihoodDenoisingAngle">∠(g_l, g_d) of the step.</param>
/// <param name="LikelihoodTurnAngle">∠(g_l of the previous step, g_l).</param>
/// <param name="DenoisingTurnAngle">∠(g_d of the previous step, g_d).</param>
public sealed record StepRecord(
    int Step,
    double Sigma,
    double? X0HatPsnr = null,
    double? X0HatLpips = null,
    double? LikelihoodDenoisingAngle = null,
    double? LikelihoodTurnAngle = null,
    double? DenoisingTurnAngle = null);
