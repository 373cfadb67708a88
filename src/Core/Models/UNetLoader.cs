using Spgd.Core.Checkpoints;
using Spgd.Core.Denoising;
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
    /// <exception cref="ArgumentException">The config is invalid.</exception>
    public static GuidedDiffusionUNet LoadNetwork(UNetConfig config, string checkpointPath, Device device)
    {
        config.Validate();
        using var checkpoint = CheckpointReader.Open(checkpointPath);
        var network = new GuidedDiffusionUNet(config, device);
        try
        {
            network.LoadWeights(checkpoint);
            if (config.ParameterCount is { } stated && stated != network.ParameterCount)
                throw new InvalidDataException($"the config states {stated:N0} parameters but the network has {network.ParameterCount:N0}");
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
    public static VpPreconditionedDenoiser LoadDenoiser(UNetConfig config, string checkpointPath, Device device)
    {
        var network = LoadNetwork(config, checkpointPath, device);
        try
        {
            return new VpPreconditionedDenoiser(network,
                $"guided-diffusion UNet {config.ImageSize}px ({network.ParameterCount:N0} parameters) from {Path.GetFileName(checkpointPath)}, VP preconditioning");
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
