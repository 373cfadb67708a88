using System.CommandLine;
using System.CommandLine.Parsing;
using Spgd.Core.Denoising;
using Spgd.Core.Models;
using static TorchSharp.torch;

namespace Spgd.Client.Cli;

/// <summary>
/// The options that choose the prior D(x, σ): a guided-diffusion UNet (<c>--config</c> + <c>--checkpoint</c>) or the
/// closed-form spectral Gaussian prior (<c>--prior spectral-gaussian [--prior-variance V] [--prior-alpha A]</c>).
/// Shared by <c>denoise</c> and <c>restore</c>.
/// </summary>
public sealed class DenoiserOptions
{
    /// <summary>The one closed-form prior the CLI offers.</summary>
    public const string SpectralGaussian = "spectral-gaussian";

    /// <summary>--config: the UNet's hyper-parameters.</summary>
    public Option<string> Config { get; } = new("--config") { Description = UNetConfigs.Description, HelpName = "file|preset" };

    /// <summary>--checkpoint: the UNet's weights.</summary>
    public Option<string> Checkpoint { get; } = CliOptions.ExistingFile("--checkpoint", "UNet weights: torch.save state dict (.pt/.pth) or .safetensors", required: false);

    /// <summary>--prior: a closed-form prior instead of a network.</summary>
    public Option<string> Prior { get; } = new Option<string>("--prior") { Description = "Closed-form prior instead of a UNet", HelpName = SpectralGaussian }
        .AcceptOnlyFromAmong(SpectralGaussian);

    /// <summary>--prior-variance: per-pixel variance v of the spectral Gaussian prior.</summary>
    public Option<double> PriorVariance { get; } = CliOptions.Number("--prior-variance", "Per-pixel variance v of the spectral Gaussian prior",
        0, exclusiveMin: true, defaultValue: SpectralGaussianPrior.Default.Variance);

    /// <summary>--prior-alpha: spectral exponent α of the spectral Gaussian prior.</summary>
    public Option<double> PriorAlpha { get; } = CliOptions.Number("--prior-alpha", "Spectral exponent α of the spectral Gaussian prior (power ∝ (|k| + 1/n)^-α)",
        double.MinValue, defaultValue: SpectralGaussianPrior.Default.Alpha);

    /// <summary>--precision: the UNet torso's arithmetic (default: the config's use_fp16, else fp32).</summary>
    public Option<string?> Precision { get; } = PrecisionOption.Create();

    /// <summary>Adds the options to <paramref name="command"/>, with the check that exactly one prior is chosen.</summary>
    /// <param name="command">The command.</param>
    /// <param name="defaultsToPrior">When true, giving neither a UNet nor --prior means the default spectral Gaussian prior.</param>
    public void AddTo(Command command, bool defaultsToPrior)
    {
        command.Options.Add(Config);
        command.Options.Add(Checkpoint);
        command.Options.Add(Prior);
        command.Options.Add(PriorVariance);
        command.Options.Add(PriorAlpha);
        command.Options.Add(Precision);
        command.Validators.Add(result => Check(result, defaultsToPrior));
    }

    /// <summary>Builds the chosen denoiser on <paramref name="device"/>. Dispose it when it is <see cref="IDisposable"/> (a UNet).</summary>
    public IDenoiser Create(ParseResult parse, Device device)
    {
        if (parse.GetValue(Config) is not { } config) return new SpectralGaussianPrior(parse.GetValue(PriorVariance), parse.GetValue(PriorAlpha));
        return UNetLoader.LoadDenoiser(UNetConfigs.Load(config), parse.GetValue(Checkpoint)!, device, UNetPrecisions.TryParse(parse.GetValue(Precision)));
    }

    private void Check(CommandResult result, bool defaultsToPrior)
    {
        bool unet = result.GetResult(Config) is not null || result.GetResult(Checkpoint) is not null;
        bool prior = result.GetResult(Prior) is not null;
        bool priorParameters = Given(result, PriorVariance) || Given(result, PriorAlpha);
        if (unet && prior) result.AddError("--prior excludes --config/--checkpoint: choose a UNet or a closed-form prior");
        else if (unet && (result.GetResult(Config) is null || result.GetResult(Checkpoint) is null))
            result.AddError("a UNet needs both --config and --checkpoint");
        else if (unet && priorParameters) result.AddError("--prior-variance/--prior-alpha apply to --prior spectral-gaussian, not to a UNet");
        else if (!unet && result.GetResult(Precision) is not null) result.AddError("--precision applies to a UNet (--config/--checkpoint), not to a closed-form prior");
        else if (!unet && !prior && !defaultsToPrior && !priorParameters)
            result.AddError($"choose a prior: --config C --checkpoint P, or --prior {SpectralGaussian}");
    }

    private static bool Given(CommandResult result, Option option) => result.GetResult(option) is { Implicit: false };
}
