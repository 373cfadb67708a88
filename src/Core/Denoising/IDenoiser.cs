using static TorchSharp.torch;

namespace Spgd.Core.Denoising;

/// <summary>
/// A denoiser D(x, σ) → x̂₀: the posterior-mean estimate of the clean image given x = x₀ + σ·n.
/// Samplers use only this interface, so a UNet, a closed-form prior or a test double plug in alike.
/// </summary>
public interface IDenoiser
{
    /// <summary>Estimates x̂₀ for a batch <paramref name="x"/> (NCHW) at noise level <paramref name="sigma"/>.
    /// Must be differentiable with respect to <paramref name="x"/> (samplers take ∇ₓ through it).</summary>
    Tensor Denoise(Tensor x, double sigma);

    /// <summary>Short human-readable description (model name, preset, parameters) for logs and summaries.</summary>
    string Description { get; }
}
