using System.CommandLine;
using Spgd.Core.Models;

namespace Spgd.Client.Bench;

/// <summary>Options several <c>spgd bench</c> sub-commands share.</summary>
public sealed class BenchOptions
{
    /// <summary>--json FILE.</summary>
    public Option<string?> Json { get; } = new("--json") { Description = "Also write the results as JSON to this file", HelpName = "path" };

    /// <summary>--threads N.</summary>
    public Option<int?> Threads { get; } = new("--threads") { Description = "libtorch intra-op threads (default: libtorch's choice, reported)" };

    /// <summary>--repeats N.</summary>
    public Option<int> Repeats { get; } = new("--repeats") { Description = "Timed repeats (the median is reported)", DefaultValueFactory = _ => 3 };

    /// <summary>--warmup N.</summary>
    public Option<int> Warmup { get; } = new("--warmup") { Description = "Untimed runs before the timed ones (more run, up to 10, while the .NET JIT is still compiling)", DefaultValueFactory = _ => 1 };

    /// <summary>--seed N.</summary>
    public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of random weights and inputs", DefaultValueFactory = _ => 0UL };

    /// <summary>Adds the shared options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Json);
        command.Options.Add(Threads);
        command.Options.Add(Repeats);
        command.Options.Add(Warmup);
        command.Options.Add(Seed);
    }

    /// <summary>Applies --threads and checks the counts; call first in an action.</summary>
    /// <exception cref="ArgumentException">A count out of range.</exception>
    public void Apply(ParseResult parse)
    {
        if (parse.GetValue(Repeats) < 1) throw new ArgumentException($"--repeats must be at least 1, got {parse.GetValue(Repeats)}");
        if (parse.GetValue(Warmup) < 0) throw new ArgumentException($"--warmup must be 0 or more, got {parse.GetValue(Warmup)}");
        if (parse.GetValue(Threads) is { } threads)
        {
            if (threads < 1) throw new ArgumentException($"--threads must be at least 1, got {threads}");
            TorchSharp.torch.set_num_threads(threads);
        }
    }

    /// <summary>--preset NAME (default ffhq256) or --config FILE (JSON or YAML of create_model keys).</summary>
    public static (Option<string> Preset, Option<string?> Config) ModelOptions() =>
        (new Option<string>("--preset") { Description = $"UNet architecture: {string.Join(" or ", UNetConfig.PresetNames)}", DefaultValueFactory = _ => "ffhq256" },
         new Option<string?>("--config") { Description = "UNet config file (.json or .yaml, create_model keys) instead of a preset", HelpName = "path" });

    /// <summary>Resolves the model options to a name and config.</summary>
    public static (string Name, UNetConfig Config) ResolveModel(ParseResult parse, Option<string> preset, Option<string?> config)
    {
        if (parse.GetValue(config) is { } path)
        {
            var cfg = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? UNetConfig.FromJsonFile(path) : UNetConfig.FromYamlFile(path);
            return (Path.GetFileName(path), cfg);
        }
        var name = parse.GetValue(preset)!;
        return (name, UNetConfig.Preset(name));
    }
}
