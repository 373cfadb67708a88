using System.Globalization;
using System.Text.Json;
using YamlDotNet.Serialization;

namespace Spgd.Core.Models;

/// <summary>
/// Hyper-parameters of a guided-diffusion ("ADM") UNet, with the key names and defaults of the official
/// <c>create_model</c> (guided_diffusion/script_util.py). Loads from the fixtures' JSON, from the YAML model
/// configs of DPS/SPGD (<c>configs/model_config.yaml</c>: the same keys plus <c>model_path</c>), or from a preset.
/// </summary>
public sealed record UNetConfig
{
    /// <summary>Side of the square images the model was trained on (<c>image_size</c>).</summary>
    public int ImageSize { get; init; }

    /// <summary>Base channel count (<c>num_channels</c>); level i has <c>ChannelMultipliers[i]·NumChannels</c>.</summary>
    public int NumChannels { get; init; }

    /// <summary>Residual blocks per level on the way down (<c>num_res_blocks</c>); one more per level on the way up.</summary>
    public int NumResBlocks { get; init; }

    /// <summary>Comma-separated channel multipliers (<c>channel_mult</c>); empty means the official default for <see cref="ImageSize"/>.</summary>
    public string ChannelMult { get; init; } = "";

    /// <summary>Whether the network also outputs variances (<c>learn_sigma</c>): 6 output channels instead of 3, the first 3 being ε.</summary>
    public bool LearnSigma { get; init; }

    /// <summary>Class-conditional model with 1000 ImageNet classes (<c>class_cond</c>).</summary>
    public bool ClassCond { get; init; }

    /// <summary>Gradient checkpointing in the reference (<c>use_checkpoint</c>); a memory trade-off that does not change results, ignored here.</summary>
    public bool UseCheckpoint { get; init; }

    /// <summary>Comma-separated resolutions with self-attention (<c>attention_resolutions</c>): attention sits
    /// where <c>image_size / resolution</c> equals the down-sampling factor.</summary>
    public string AttentionResolutions { get; init; } = "16";

    /// <summary>Attention heads (<c>num_heads</c>), used when <see cref="NumHeadChannels"/> is −1.</summary>
    public int NumHeads { get; init; } = 1;

    /// <summary>Channels per attention head (<c>num_head_channels</c>); −1 to use <see cref="NumHeads"/> instead.</summary>
    public int NumHeadChannels { get; init; } = -1;

    /// <summary>Heads in the up-sampling path (<c>num_heads_upsample</c>); −1 means <see cref="NumHeads"/>.</summary>
    public int NumHeadsUpsample { get; init; } = -1;

    /// <summary>FiLM-like conditioning of residual blocks on the timestep (<c>use_scale_shift_norm</c>).</summary>
    public bool UseScaleShiftNorm { get; init; }

    /// <summary>Dropout rate (<c>dropout</c>); inactive at inference.</summary>
    public double Dropout { get; init; }

    /// <summary>Residual blocks do the up/down-sampling instead of plain (conv) resamplers (<c>resblock_updown</c>).</summary>
    public bool ResblockUpdown { get; init; }

    /// <summary>The reference runs the torso in float16 (<c>use_fp16</c>): asks for <see cref="UNetPrecision.Fp16"/> unless a
    /// precision is given explicitly (see <see cref="UNetPrecisions.Resolve"/>).</summary>
    public bool UseFp16 { get; init; }

    /// <summary>Split q/k/v before heads (<c>use_new_attention_order</c>, QKVAttention) instead of the legacy order.</summary>
    public bool UseNewAttentionOrder { get; init; }

    /// <summary>Checkpoint path from a YAML config (<c>model_path</c>), as written (usually relative to the reference repo).</summary>
    public string? ModelPath { get; init; }

    /// <summary>Parameter count the config file states (<c>parameter_count</c>, in the fixtures), if any.</summary>
    public long? ParameterCount { get; init; }

    /// <summary>Input image channels (always 3, as in <c>create_model</c>).</summary>
    public int InChannels => 3;

    /// <summary>Output channels: 6 with <see cref="LearnSigma"/>, else 3.</summary>
    public int OutChannels => LearnSigma ? 6 : 3;

    /// <summary>Number of classes of a class-conditional model (0 when unconditional).</summary>
    public int NumClasses => ClassCond ? 1000 : 0;

    /// <summary>Channel multiplier per level, <see cref="ChannelMult"/> resolved (the 512 default starts with 0.5).</summary>
    public IReadOnlyList<double> ChannelMultipliers => ChannelMult.Trim() == "" ? DefaultMultipliers(ImageSize) : ParseMultipliers(ChannelMult);

    /// <summary>Down-sampling factors with attention: <c>image_size / r</c> for each resolution r.</summary>
    public IReadOnlyList<int> AttentionDownsampleFactors => ParseResolutions(AttentionResolutions).Select(r => ImageSize / r).ToArray();

    /// <summary>Channels of each level: <c>(int)(multiplier · NumChannels)</c>.</summary>
    public IReadOnlyList<int> LevelChannels => ChannelMultipliers.Select(m => (int)(m * NumChannels)).ToArray();

    /// <summary>Key names this type reads; anything else in a config file is reported as unknown.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "image_size", "num_channels", "num_res_blocks", "channel_mult", "learn_sigma", "class_cond", "use_checkpoint",
        "attention_resolutions", "num_heads", "num_head_channels", "num_heads_upsample", "use_scale_shift_norm",
        "dropout", "resblock_updown", "use_fp16", "use_new_attention_order", "model_path", "parameter_count",
    ];

    /// <summary>Names accepted by <see cref="Preset"/>.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = ["ffhq256", "imagenet256"];

    /// <summary>
    /// The architectures of the two published checkpoints: <c>ffhq256</c> (DPS's <c>ffhq_10m.pt</c>, 93,563,910
    /// parameters) and <c>imagenet256</c> (guided-diffusion's unconditional ImageNet 256, 552,814,086 parameters).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown preset name.</exception>
    public static UNetConfig Preset(string name)
    {
        var common = new UNetConfig
        {
            ImageSize = 256, ChannelMult = "", LearnSigma = true, NumHeads = 4, NumHeadChannels = 64, NumHeadsUpsample = -1,
            UseScaleShiftNorm = true, ResblockUpdown = true, Dropout = 0,
        };
        return name.Trim().ToLowerInvariant() switch
        {
            "ffhq256" => common with { NumChannels = 128, NumResBlocks = 1, AttentionResolutions = "16" },
            "imagenet256" => common with { NumChannels = 256, NumResBlocks = 2, AttentionResolutions = "32,16,8" },
            _ => throw new ArgumentException($"unknown UNet preset '{name}'; known presets: {string.Join(", ", PresetNames)}", nameof(name)),
        };
    }

    /// <summary>Reads a JSON object of <c>create_model</c> keys (e.g. the fixtures' <c>unet/config.json</c>) and validates it.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Malformed JSON, unknown key or invalid value; the message names the file and key.</exception>
    public static UNetConfig FromJsonFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"UNet config not found: {path}", path);
        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Parses JSON text (see <see cref="FromJsonFile"/>); <paramref name="source"/> names it in errors.</summary>
    public static UNetConfig FromJson(string json, string source = "UNet config")
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new InvalidDataException($"{source}: not valid JSON: {e.Message}", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{source}: expected a JSON object of model settings");
            var values = new Dictionary<string, string?>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                values[p.Name] = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString(),
                    JsonValueKind.Null => null,
                    JsonValueKind.Array => string.Join(",", p.Value.EnumerateArray().Select(e => e.ToString())),
                    _ => p.Value.GetRawText(),
                };
            }
            return FromValues(values, source);
        }
    }

    /// <summary>Reads a DPS/SPGD-style YAML model config (<c>create_model</c> keys plus <c>model_path</c>) and validates it.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Malformed YAML, unknown key or invalid value; the message names the file and key.</exception>
    public static UNetConfig FromYamlFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"UNet config not found: {path}", path);
        return FromYaml(File.ReadAllText(path), path);
    }

    /// <summary>Parses YAML text (see <see cref="FromYamlFile"/>); <paramref name="source"/> names it in errors.</summary>
    public static UNetConfig FromYaml(string yaml, string source = "UNet config")
    {
        Dictionary<string, object?>? raw;
        try { raw = new DeserializerBuilder().Build().Deserialize<Dictionary<string, object?>>(yaml); }
        catch (YamlDotNet.Core.YamlException e) { throw new InvalidDataException($"{source}: not valid YAML: {e.Message}", e); }
        if (raw is null) throw new InvalidDataException($"{source}: the YAML document is empty");
        var values = raw.ToDictionary(kv => kv.Key, kv => kv.Value switch
        {
            null => null,
            IEnumerable<object> list when kv.Value is not string => string.Join(",", list),
            var v => Convert.ToString(v, CultureInfo.InvariantCulture),
        });
        return FromValues(values, source);
    }

    /// <summary>Builds a config from key → scalar text (the common ground of JSON and YAML) and validates it.</summary>
    /// <exception cref="InvalidDataException">Unknown or missing key, or an invalid value.</exception>
    public static UNetConfig FromValues(IReadOnlyDictionary<string, string?> values, string source = "UNet config")
    {
        var unknown = values.Keys.Where(k => !Keys.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new InvalidDataException($"{source}: unknown key(s) {string.Join(", ", unknown)}; known keys: {string.Join(", ", Keys)}");
        foreach (var required in new[] { "image_size", "num_channels", "num_res_blocks" })
            if (!values.TryGetValue(required, out var v) || string.IsNullOrWhiteSpace(v))
                throw new InvalidDataException($"{source}: missing required key '{required}'");

        var defaults = new UNetConfig();
        int Int(string key, int fallback) => values.TryGetValue(key, out var v) && v is not null
            ? int.TryParse(v.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i
                : throw new InvalidDataException($"{source}: '{key}' must be an integer, got '{v}'")
            : fallback;
        bool Bool(string key, bool fallback) => values.TryGetValue(key, out var v) && v is not null
            ? v.Trim().ToLowerInvariant() switch
            {
                "true" or "1" or "yes" => true,
                "false" or "0" or "no" => false,
                _ => throw new InvalidDataException($"{source}: '{key}' must be true or false, got '{v}'"),
            }
            : fallback;
        string Text(string key, string fallback) => values.TryGetValue(key, out var v) && v is not null ? v.Trim() : fallback;

        double dropout = defaults.Dropout;
        if (values.TryGetValue("dropout", out var d) && d is not null
            && !double.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out dropout))
            throw new InvalidDataException($"{source}: 'dropout' must be a number, got '{d}'");
        long? parameterCount = null;
        if (values.TryGetValue("parameter_count", out var pc) && pc is not null)
            parameterCount = long.TryParse(pc, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
                : throw new InvalidDataException($"{source}: 'parameter_count' must be an integer, got '{pc}'");

        var config = new UNetConfig
        {
            ImageSize = Int("image_size", 0),
            NumChannels = Int("num_channels", 0),
            NumResBlocks = Int("num_res_blocks", 0),
            ChannelMult = Text("channel_mult", defaults.ChannelMult),
            LearnSigma = Bool("learn_sigma", defaults.LearnSigma),
            ClassCond = Bool("class_cond", defaults.ClassCond),
            UseCheckpoint = Bool("use_checkpoint", defaults.UseCheckpoint),
            AttentionResolutions = Text("attention_resolutions", defaults.AttentionResolutions),
            NumHeads = Int("num_heads", defaults.NumHeads),
            NumHeadChannels = Int("num_head_channels", defaults.NumHeadChannels),
            NumHeadsUpsample = Int("num_heads_upsample", defaults.NumHeadsUpsample),
            UseScaleShiftNorm = Bool("use_scale_shift_norm", defaults.UseScaleShiftNorm),
            Dropout = dropout,
            ResblockUpdown = Bool("resblock_updown", defaults.ResblockUpdown),
            UseFp16 = Bool("use_fp16", defaults.UseFp16),
            UseNewAttentionOrder = Bool("use_new_attention_order", defaults.UseNewAttentionOrder),
            ModelPath = values.TryGetValue("model_path", out var mp) && !string.IsNullOrWhiteSpace(mp) ? mp.Trim() : null,
            ParameterCount = parameterCount,
        };
        var problems = config.Problems();
        if (problems.Count > 0) throw new InvalidDataException($"{source}: {string.Join("; ", problems)}");
        return config;
    }

    /// <summary>Throws if the settings cannot build a model (see <see cref="Problems"/>).</summary>
    /// <exception cref="ArgumentException">Lists every problem found.</exception>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0) throw new ArgumentException("invalid UNet config: " + string.Join("; ", problems));
    }

    /// <summary>Every reason these settings cannot build a model; empty when they can.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (ImageSize <= 0) problems.Add($"image_size must be positive, got {ImageSize}");
        if (NumChannels <= 0) problems.Add($"num_channels must be positive, got {NumChannels}");
        if (NumResBlocks <= 0) problems.Add($"num_res_blocks must be at least 1, got {NumResBlocks}");
        if (NumHeadChannels == 0 || NumHeadChannels < -1) problems.Add($"num_head_channels must be positive or -1, got {NumHeadChannels}");
        if (NumHeadChannels == -1 && NumHeads <= 0) problems.Add($"num_heads must be positive when num_head_channels is -1, got {NumHeads}");
        if (NumHeadsUpsample == 0 || NumHeadsUpsample < -1) problems.Add($"num_heads_upsample must be positive or -1, got {NumHeadsUpsample}");
        if (Dropout is < 0 or >= 1 || double.IsNaN(Dropout)) problems.Add($"dropout must be in [0, 1), got {Dropout}");
        if (problems.Count > 0) return problems;

        IReadOnlyList<int> channels, attentionFactors;
        try
        {
            channels = LevelChannels;
            attentionFactors = AttentionDownsampleFactors;
            foreach (var r in ParseResolutions(AttentionResolutions))
                if (ImageSize % r != 0) problems.Add($"attention resolution {r} does not divide image_size {ImageSize}");
        }
        catch (FormatException e)
        {
            problems.Add(e.Message);
            return problems;
        }
        foreach (var c in channels.Distinct())
            if (c <= 0 || c % 32 != 0) problems.Add($"level channel count {c} is not a positive multiple of 32 (GroupNorm uses 32 groups)");
        for (int level = 0; level < channels.Count; level++)
        {
            // The middle block always has attention at the deepest level.
            if (!attentionFactors.Contains(1 << level) && level != channels.Count - 1) continue;
            int c = channels[level];
            if (NumHeadChannels > 0 && c % NumHeadChannels != 0)
                problems.Add($"attention channels {c} at resolution {ImageSize >> level} are not divisible by num_head_channels {NumHeadChannels}");
            foreach (var heads in new[] { NumHeads, NumHeadsUpsample == -1 ? NumHeads : NumHeadsUpsample })
                if (NumHeadChannels == -1 && c % heads != 0)
                    problems.Add($"attention channels {c} at resolution {ImageSize >> level} are not divisible by {heads} heads");
        }
        if (ImageSize % (1 << (channels.Count - 1)) != 0)
            problems.Add($"image_size {ImageSize} is not divisible by the total down-sampling factor {1 << (channels.Count - 1)}");
        return problems.Distinct().ToList();
    }

    private static double[] DefaultMultipliers(int imageSize) => imageSize switch
    {
        512 => [0.5, 1, 1, 2, 2, 4, 4],
        256 => [1, 1, 2, 2, 4, 4],
        128 => [1, 1, 2, 3, 4],
        64 => [1, 2, 3, 4],
        _ => throw new FormatException($"channel_mult is empty and image_size {imageSize} has no official default (512, 256, 128, 64); give channel_mult explicitly"),
    };

    private static double[] ParseMultipliers(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var result = parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) && m > 0 ? m
            : throw new FormatException($"channel_mult must be comma-separated positive integers, got '{text}'")).Select(m => (double)m).ToArray();
        return result.Length > 0 ? result : throw new FormatException($"channel_mult must list at least one multiplier, got '{text}'");
    }

    private static int[] ParseResolutions(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) && r > 0 ? r
                : throw new FormatException($"attention_resolutions must be comma-separated positive integers, got '{text}'"))
            .ToArray();
}
