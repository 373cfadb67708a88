using System.CommandLine;
using Spgd.Core.Metrics;
using static TorchSharp.torch;

namespace Spgd.Client.Cli;

/// <summary><c>--lpips-vgg</c> and <c>--lpips-lin</c>: the weight files LPIPS needs. Without them LPIPS is reported as unavailable (null).</summary>
public sealed class LpipsOptions
{
    /// <summary>--lpips-vgg: torchvision's VGG16 weights.</summary>
    public Option<string> Vgg { get; } = CliOptions.ExistingFile("--lpips-vgg", "VGG16 weights for LPIPS: torchvision's vgg16-397923af.pth (or any state dict with features.N.weight/bias)", required: false);

    /// <summary>--lpips-lin: the LPIPS v0.1 linear layers.</summary>
    public Option<string> Linear { get; } = CliOptions.ExistingFile("--lpips-lin", "LPIPS v0.1 linear weights for VGG (lpips' weights/v0.1/vgg.pth)", required: false);

    /// <summary>Adds the options to <paramref name="command"/>, with the check that both or neither are given.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Vgg);
        command.Options.Add(Linear);
        command.Validators.Add(result =>
        {
            if ((result.GetResult(Vgg) is null) != (result.GetResult(Linear) is null))
                result.AddError("LPIPS needs both --lpips-vgg and --lpips-lin (or neither, to skip LPIPS)");
        });
    }

    /// <summary>The LPIPS network when both files are given, else null.</summary>
    public Lpips? Create(ParseResult parse, Device device) =>
        parse.GetValue(Vgg) is { } vgg && parse.GetValue(Linear) is { } linear ? Lpips.Load(vgg, linear, device) : null;
}
