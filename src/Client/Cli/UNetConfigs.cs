using Spgd.Core.Models;

namespace Spgd.Client.Cli;

/// <summary>Reads the value of a <c>--config</c> option: a UNet config file (.json/.yaml) or a preset name.</summary>
public static class UNetConfigs
{
    /// <summary>Help text for a <c>--config</c> option.</summary>
    public static string Description { get; } =
        "UNet hyper-parameters: a .json/.yaml file with guided-diffusion's create_model keys, or a preset (" + string.Join(", ", UNetConfig.PresetNames) + ")";

    /// <summary>A UNet config from a .json/.yaml file or a preset name.</summary>
    public static UNetConfig Load(string value)
    {
        if (File.Exists(value))
        {
            return Path.GetExtension(value).ToLowerInvariant() switch
            {
                ".json" => UNetConfig.FromJsonFile(value),
                ".yaml" or ".yml" => UNetConfig.FromYamlFile(value),
                var ext => throw new CliInputException($"--config {value}: unknown config format '{ext}', expected .json, .yaml or .yml"),
            };
        }
        var preset = value.Trim().ToLowerInvariant();
        if (UNetConfig.PresetNames.Contains(preset)) return UNetConfig.Preset(preset);
        throw new CliInputException($"--config {value}: no such file, and not a preset ({string.Join(", ", UNetConfig.PresetNames)})");
    }
}
