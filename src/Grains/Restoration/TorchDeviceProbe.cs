using Spgd.Contracts.Jobs;
using Spgd.Grains.Devices;
using static TorchSharp.torch;

namespace Spgd.Grains.Restoration;

/// <summary>
/// Allocates a tensor on the device and reads it back (so the driver really ran something), then loads the
/// configured model, if any, into the shared <see cref="DenoiserCache"/> so the first item does not pay for it.
/// </summary>
public sealed class TorchDeviceProbe(DenoiserCache models, ModelRef? preload) : IDeviceProbe
{
    /// <inheritdoc />
    public string Probe(string device, CancellationToken cancellationToken)
    {
        using (var scope = NewDisposeScope())
        {
            var t = ones(new long[] { 4 }, device: new Device(device));
            var sum = (t * 2).sum().cpu().item<float>();
            if (sum != 8f) throw new InvalidOperationException($"Device {device} computed 2·1·4 = {sum}.");
        }

        if (preload is null) return $"allocated on {device}";
        cancellationToken.ThrowIfCancellationRequested();
        models.Get(preload, device);
        return $"allocated on {device}; model {preload.Kind} ({preload.Checkpoint ?? "built in"}) loaded";
    }
}
