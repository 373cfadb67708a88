using static TorchSharp.torch;

namespace Spgd.Core.Sampling;

/// <summary>
/// Progress after one outer step of a sampler. The tensors belong to the sampler and are only valid during the
/// callback that receives them (they are disposed right after): copy what you need to keep (e.g.
/// <c>X0Hat.detach().cpu().clone()</c>) and never dispose them yourself.
/// </summary>
/// <param name="Step">0-based outer step index i.</param>
/// <param name="Sigma">σ_i of this step.</param>
/// <param name="X0Hat">The denoised estimate x̂₀ of the step's last warm-up iteration (NCHW, the sampler's device).</param>
/// <param name="Loss">L = Σ‖A(x̂₀) − y‖² of that iteration, summed over the batch.</param>
/// <param name="X">The new iterate x_{t−1} after the denoising step.</param>
/// <param name="XRefined">SPGD: x⁽ᴺ⁾, the iterate after the step's N likelihood (warm-up) updates and before the
/// denoising step. DPS: the denoising (Euler) step's result before the likelihood step.</param>
/// <param name="TotalSteps">T, the number of outer steps of the run.</param>
/// <param name="NetworkEvaluations">Denoiser evaluations so far in this run.</param>
public sealed record SamplerStep(int Step, double Sigma, Tensor X0Hat, double Loss, Tensor X, Tensor XRefined, int TotalSteps, long NetworkEvaluations);
