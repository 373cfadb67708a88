namespace Spgd.Core.Diagnostics;

/// <summary>
/// Gradient geometry of one outer step of a posterior sampler (SPGD paper, Fig. 2), per sample of the batch, angles in
/// radians in [0, π].
/// </summary>
/// <remarks>
/// Following the paper's decomposition x_{t−1} = x_t + g_l + g_d of a step into a likelihood part and a denoising part:
/// <list type="bullet">
/// <item>SPGD: the likelihood gradient g_l = x⁽ᴺ⁾ − x_t is the net displacement of the step's N warm-up updates
/// (−η_i·ĝ summed over j; for N = 1 without ADM it is −η_i·∇ₓL, the DPS-style likelihood step); the denoising gradient
/// g_d = x_{t−1} − x⁽ᴺ⁾ = (step_i/2)·(x̂₀ − x⁽ᴺ⁻¹⁾)/σ_i² is the Euler denoising step.</item>
/// <item>DPS: g_d = x' − x_t (the Euler step from x̂₀(x_t)), g_l = x_{t−1} − x' = −ζ·∇ₓ‖y − A(x̂₀)‖.</item>
/// </list>
/// An angle above π/2 means the two parts conflict (they partly undo each other).
/// </remarks>
/// <param name="Step">0-based outer step i.</param>
/// <param name="Sigma">σ_i of the step.</param>
/// <param name="LikelihoodDenoisingAngle">∠(g_l, g_d) of this step, per sample.</param>
/// <param name="LikelihoodTurnAngle">∠(g_l of step i−1, g_l of step i), per sample; null at the first step.</param>
/// <param name="DenoisingTurnAngle">∠(g_d of step i−1, g_d of step i), per sample; null at the first step.</param>
/// <param name="LikelihoodNorm">‖g_l‖ per sample.</param>
/// <param name="DenoisingNorm">‖g_d‖ per sample.</param>
public sealed record GradientStepDiagnostics(
    int Step,
    double Sigma,
    IReadOnlyList<double> LikelihoodDenoisingAngle,
    IReadOnlyList<double>? LikelihoodTurnAngle,
    IReadOnlyList<double>? DenoisingTurnAngle,
    IReadOnlyList<double> LikelihoodNorm,
    IReadOnlyList<double> DenoisingNorm);
