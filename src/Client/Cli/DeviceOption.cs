using System.CommandLine;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Client.Cli;

/// <summary>The <c>--device</c> option of the commands that run tensors: <c>cpu</c> (default), <c>cuda</c> or <c>cuda:N</c>.</summary>
public static class DeviceOption
{
    /// <summary>Builds the option.</summary>
    public static Option<string> Create() => new("--device")
    {
        Description = "Where to compute: cpu, cuda or cuda:N (CUDA needs the TorchSharp-cuda build)",
        DefaultValueFactory = _ => "cpu",
        HelpName = "device",
    };

    /// <summary>Resolves the option's value, failing with one clear line when the device does not exist here.</summary>
    public static Device Resolve(string value)
    {
        var v = value.Trim().ToLowerInvariant();
        if (v == "cpu") return CPU;
        if (v == "cuda" || v.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
                throw new CliInputException($"--device {value}: CUDA is not available (this build uses the CPU TorchSharp backend, or no GPU is visible)");
            int index = 0;
            if (v.Length > 5 && (!int.TryParse(v[5..], out index) || index < 0 || index >= torch.cuda.device_count()))
                throw new CliInputException($"--device {value}: no such GPU; {torch.cuda.device_count()} visible (cuda:0..cuda:{torch.cuda.device_count() - 1})");
            return torch.device(DeviceType.CUDA, index);
        }
        throw new CliInputException($"--device {value}: expected cpu, cuda or cuda:N");
    }
}
