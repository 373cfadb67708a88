using System.Collections.Concurrent;
using Spgd.Contracts.Jobs;
using Spgd.Core.Denoising;
using Spgd.Core.Models;
using static TorchSharp.torch;

namespace Spgd.Grains.Restoration;

/// <summary>
/// One denoiser per (model, checkpoint, device), loaded on first use and shared by every item and slot
/// of the silo: a UNet checkpoint is loaded once, not once per item.
/// </summary>
public sealed class DenoiserCache(string? modelRoot = null) : IDisposable
{
    private readonly ConcurrentDictionary<(ModelRef Model, string Device), Lazy<IDenoiser>> _models = new();

    /// <summary>The denoiser for <paramref name="model"/> on <paramref name="device"/>.</summary>
    public IDenoiser Get(ModelRef model, string device) =>
        _models.GetOrAdd((model, device), key => new Lazy<IDenoiser>(() => Load(key.Model, key.Device))).Value;

    private IDenoiser Load(ModelRef model, string device)
    {
        switch (model.Kind)
        {
            case "spectral-gaussian":
                return model.Variance is null && model.Alpha is null
                    ? SpectralGaussianPrior.Default
                    : new SpectralGaussianPrior(model.Variance ?? SpectralGaussianPrior.Default.Variance, model.Alpha ?? SpectralGaussianPrior.Default.Alpha);
            case "ffhq256" or "imagenet256" or "unet":
                var checkpoint = ResolvePath(model.Checkpoint ?? throw new ArgumentException($"Model {model.Kind} needs a checkpoint path."));
                var config = model.Kind != "unet" ? UNetConfig.Preset(model.Kind)
                    : model.Config is null ? throw new ArgumentException("Model 'unet' needs a preset or a config file.")
                    : UNetConfig.PresetNames.Contains(model.Config) ? UNetConfig.Preset(model.Config)
                    : model.Config.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? UNetConfig.FromJsonFile(ResolvePath(model.Config))
                    : UNetConfig.FromYamlFile(ResolvePath(model.Config));
                var precision = model.Precision is null ? (UNetPrecision?)null
                    : UNetPrecisions.TryParse(model.Precision) ?? throw new ArgumentException($"Unknown precision '{model.Precision}': expected {string.Join(", ", UNetPrecisions.Names)}.");
                return UNetLoader.LoadDenoiser(config, checkpoint, new Device(device), precision);
            default:
                throw new ArgumentException($"Unknown model kind '{model.Kind}': expected spectral-gaussian, ffhq256, imagenet256 or unet.");
        }
    }

    private string ResolvePath(string path) =>
        Path.IsPathRooted(path) || modelRoot is null ? path : Path.Combine(modelRoot, path);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var model in _models.Values.Where(m => m.IsValueCreated))
            (model.Value as IDisposable)?.Dispose();
    }
}
