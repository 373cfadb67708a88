using Spgd.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Denoising;

/// <summary>
/// A pretrained ε-prediction UNet turned into a denoiser by the variance-preserving preconditioning of EDM
/// (Karras et al. 2022, Table 1, VP column): D(x, σ) = x + c_out·ε_θ(c_in·x, c_noise) with c_in = 1/√(σ²+1),
/// c_out = −σ and c_noise = (M−1)·σ⁻¹(σ), σ⁻¹(σ) = (√(β_min² + 2β_d·ln(1+σ²)) − β_min)/β_d. With learn_sigma the
/// network's first three output channels are ε; the variance channels are ignored.
/// </summary>
/// <remarks>
/// One instance (and its weights) is meant to be shared by all work on a device. <see cref="Denoise"/> calls are
/// serialised by an internal lock, so callers on several threads are safe but run one at a time; the returned
/// tensor and its autograd graph belong to the caller (weights never require grad, so backward passes through
/// different calls do not interact).
/// </remarks>
public sealed class VpPreconditionedDenoiser : IDenoiser, IDisposable
{
    private readonly object _gate = new();
    private readonly bool _ownsNetwork;

    /// <summary>Wraps <paramref name="network"/> (already on its device, weights loaded).</summary>
    /// <param name="network">An unconditional guided-diffusion UNet.</param>
    /// <param name="description">What to call it in logs; defaults to a summary of the config.</param>
    /// <param name="ownsNetwork">Dispose the network with this denoiser.</param>
    /// <param name="betaD">β_d of the VP schedule.</param>
    /// <param name="betaMin">β_min of the VP schedule.</param>
    /// <param name="timesteps">M, the number of discrete DDPM steps the network was trained with.</param>
    /// <exception cref="ArgumentException">A class-conditional network (it needs labels, which <see cref="IDenoiser"/> does not carry).</exception>
    public VpPreconditionedDenoiser(GuidedDiffusionUNet network, string? description = null, bool ownsNetwork = true,
        double betaD = 19.9, double betaMin = 0.1, int timesteps = 1000)
    {
        if (network.Config.ClassCond)
            throw new ArgumentException("a class-conditional UNet needs class labels, which the VP denoiser does not supply", nameof(network));
        Network = network;
        _ownsNetwork = ownsNetwork;
        BetaD = betaD;
        BetaMin = betaMin;
        Timesteps = timesteps;
        var c = network.Config;
        Description = description ??
            $"guided-diffusion UNet {c.ImageSize}px, {c.NumChannels} ch × ({string.Join(",", c.ChannelMultipliers)}), " +
            $"{network.ParameterCount:N0} parameters, VP preconditioning (β_d {betaD}, β_min {betaMin}, M {timesteps})";
    }

    /// <summary>The wrapped network.</summary>
    public GuidedDiffusionUNet Network { get; }

    /// <summary>β_d of the VP schedule (19.9).</summary>
    public double BetaD { get; }

    /// <summary>β_min of the VP schedule (0.1).</summary>
    public double BetaMin { get; }

    /// <summary>M: discrete training timesteps (1000).</summary>
    public int Timesteps { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>Input scale c_in = 1/√(σ²+1).</summary>
    public static double InputScale(double sigma) => 1 / Math.Sqrt(sigma * sigma + 1);

    /// <summary>Output scale c_out = −σ.</summary>
    public static double OutputScale(double sigma) => -sigma;

    /// <summary>The network's continuous timestep c_noise = (M−1)·σ⁻¹(σ).</summary>
    public double NoiseConditioning(double sigma) =>
        (Timesteps - 1) * (Math.Sqrt(BetaMin * BetaMin + 2 * BetaD * Math.Log(1 + sigma * sigma)) - BetaMin) / BetaD;

    /// <summary>x̂₀ = D(x, σ) for images <paramref name="x"/> [N, 3, H, W] (moved to the network's device if needed;
    /// the result is on <paramref name="x"/>'s device). Differentiable with respect to x.</summary>
    /// <exception cref="ArgumentOutOfRangeException">σ is negative or not finite.</exception>
    public Tensor Denoise(Tensor x, double sigma)
    {
        if (!(sigma >= 0) || double.IsInfinity(sigma))
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be finite and non-negative");
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            var device = Network.parameters().First().device;
            var input = x.device == device ? x : x.to(device);
            var t = torch.full([input.shape[0]], NoiseConditioning(sigma), ScalarType.Float32, device);
            var raw = Network.forward(input * InputScale(sigma), t);
            var epsilon = raw.shape[1] == 3 ? raw : raw[.., ..3];
            var denoised = input + epsilon * OutputScale(sigma);
            if (denoised.device != x.device) denoised = denoised.to(x.device);
            return scope.MoveToOuter(denoised);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsNetwork) Network.Dispose();
    }
}
