using Spgd.Core.Checkpoints;
using Spgd.Core.Denoising;
using Spgd.Core.Runtime;
using static TorchSharp.torch;

namespace Spgd.Core.Models;

/// <summary>Builds a guided-diffusion UNet on a device and fills it from a checkpoint.</summary>
public static class UNetLoader
{
    /// <summary>
    /// Opens the checkpoint first (cheap: structure only), builds the network for <paramref name="config"/> on
    /// <paramref name="device"/>, then copies the weights tensor by tensor after a strict key/shape check.
    /// </summary>
    /// <exception cref="FileNotFoundException">No checkpoint at <paramref name="checkpointPath"/>.</exception>
    /// <exception cref="InvalidDataException">Not a checkpoint, or a malformed one.</exception>
    /// <exception cref="StateDictMismatchException">The checkpoint does not fit the config (missing/unexpected keys, shapes).</exception>
    /// <exception cref="ArgumentException">The config is invalid, or the precision cannot run on the device.</exception>
    /// <param name="config">The architecture.</param>
    /// <param name="checkpointPath">The weights.</param>
    /// <param name="device">Where the network runs.</param>
    /// <param name="precision">The torso's arithmetic; null follows the config's <c>use_fp16</c> (see <see cref="UNetPrecisions.Resolve"/>).</param>
    public static GuidedDiffusionUNet LoadNetwork(UNetConfig config, string checkpointPath, Device device, UNetPrecision? precision = null)
    {
        config.Validate();
        var resolved = UNetPrecisions.Resolve(precision, config);
        // Refused before anything is read: the answer depends only on the device and the CPU.
        if (UNetPrecisions.Refusal(resolved, device.type, CpuFeatures.Current) is { } refusal) throw new ArgumentException(refusal);
        using var checkpoint = CheckpointReader.Open(checkpointPath);
        var network = new GuidedDiffusionUNet(config, device);
        try
        {
            network.LoadWeights(checkpoint);
            if (config.ParameterCount is { } stated && stated != network.ParameterCount)
                throw new InvalidDataException($"the config states {stated:N0} parameters but the network has {network.ParameterCount:N0}");
            network.UsePrecision(resolved);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Loads the network (see <see cref="LoadNetwork"/>) and wraps it in the VP-preconditioned denoiser,
    /// which owns it. Share the one instance among all work on the device.</summary>
    public static VpPreconditionedDenoiser LoadDenoiser(UNetConfig config, string checkpointPath, Device device, UNetPrecision? precision = null)
    {
        var network = LoadNetwork(config, checkpointPath, device, precision);
        try
        {
            return new VpPreconditionedDenoiser(network,
                $"guided-diffusion UNet {config.ImageSize}px ({network.ParameterCount:N0} parameters, {network.Precision.Name()}) from {Path.GetFileName(checkpointPath)}, VP preconditioning");
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
