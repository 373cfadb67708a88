using System.CommandLine;
using Spgd.Client.Cli;
using Spgd.Core.Models;
using static TorchSharp.torch;

namespace Spgd.Client.Commands;

/// <summary><c>spgd unet</c>: the raw network output net(x, t) of a guided-diffusion UNet (ε and, with learn_sigma, the variance channels).</summary>
public static class UnetCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = UNetConfigs.Description, Required = true, HelpName = "file|preset" };
        var checkpoint = CliOptions.ExistingFile("--checkpoint", "UNet weights: torch.save state dict (.pt/.pth) or .safetensors");
        var input = CliOptions.ExistingFile("--input", "Network input x, .npy (N,3,H,W) at the config's image size");
        var timesteps = CliOptions.ExistingFile("--timesteps", "Continuous timesteps t, .npy (N,), or one value for the whole batch");
        var output = CliOptions.OutputFile("--output", "Where to write net(x, t), .npy (N,6,H,W) with learn_sigma, else (N,3,H,W)");
        var device = DeviceOption.Create();
        var command = new Command("unet", "Evaluate a guided-diffusion UNet once: net(x, t)")
        {
            config, checkpoint, input, timesteps, output, device,
        };
        command.SetAction(parse =>
        {
            var dev = DeviceOption.Resolve(parse.GetValue(device)!);
            TensorFiles.PrepareOutputFile(parse.GetValue(output)!, "--output");
            var unetConfig = UNetConfigs.Load(parse.GetValue(config)!);
            string inputPath = parse.GetValue(input)!, timestepsPath = parse.GetValue(timesteps)!;
            using var x = TensorFiles.ReadImages(inputPath, "--input");
            var t = TensorFiles.ReadArray(timestepsPath, "--timesteps");
            long n = x.shape[0];
            if (t.Count != n && t.Count != 1)
                throw new CliInputException($"--timesteps {timestepsPath}: shape {TensorFiles.ShapeText(t.Shape)} holds {t.Count} values for a batch of {n}; expected ({n},) or one value");
            if (x.shape[1] != unetConfig.InChannels || x.shape[2] != unetConfig.ImageSize || x.shape[3] != unetConfig.ImageSize)
                throw new CliInputException($"--input {inputPath}: shape {TensorFiles.ShapeText(x.shape)} does not fit the config, expected (N, {unetConfig.InChannels}, {unetConfig.ImageSize}, {unetConfig.ImageSize})");
            using var network = UNetLoader.LoadNetwork(unetConfig, parse.GetValue(checkpoint)!, dev);
            network.eval();
            using var noGrad = no_grad();
            using var tt = t.ToTensor().reshape(-1).expand(n).to(dev);
            using var xd = x.to(dev);
            using var result = network.forward(xd, tt);
            TensorFiles.Write(parse.GetValue(output)!, result, "--output");
            return 0;
        });
        return command;
    }
}
