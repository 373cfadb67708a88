using System.CommandLine;
using Spgd.Client.Cli;
using static TorchSharp.torch;

namespace Spgd.Client.Commands;

/// <summary><c>spgd denoise</c>: one evaluation of the prior's denoiser x̂₀ = D(x, σ).</summary>
public static class DenoiseCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var denoiserOptions = new DenoiserOptions();
        var input = CliOptions.ExistingFile("--input", "Noisy images x, .npy (N,3,H,W) or (3,H,W)");
        var sigma = CliOptions.Number("--sigma", "Noise level σ of x (x = x₀ + σ·n)", 0, required: true);
        var output = CliOptions.OutputFile("--output", "Where to write x̂₀ = D(x, σ), .npy");
        var device = DeviceOption.Create();
        var command = new Command("denoise", "Denoise images at noise level σ with a UNet (VP-preconditioned) or the spectral Gaussian prior")
        {
            input, sigma, output, device,
        };
        denoiserOptions.AddTo(command, defaultsToPrior: false);
        command.SetAction(parse =>
        {
            var dev = DeviceOption.Resolve(parse.GetValue(device)!);
            TensorFiles.PrepareOutputFile(parse.GetValue(output)!, "--output");
            using var x = TensorFiles.ReadImages(parse.GetValue(input)!, "--input");
            var denoiser = denoiserOptions.Create(parse, dev);
            using var owned = denoiser as IDisposable;
            using var noGrad = no_grad();
            using var xd = x.to(dev);
            using var denoised = denoiser.Denoise(xd, parse.GetValue(sigma));
            TensorFiles.Write(parse.GetValue(output)!, denoised, "--output");
            return 0;
        });
        return command;
    }
}
