using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Spgd.Core.Models.Bkse;

/// <summary>
/// Hyper-parameters of BKSE's KernelWizard: the <c>KernelWizard</c> section of its option files (key names as there,
/// e.g. <c>options/generate_blur/default.yml</c>, which the reference's nonlinear blur reads).
/// </summary>
public sealed record KernelWizardOptions
{
    /// <summary>Image channels (<c>input_nc</c>).</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Feature width (<c>nf</c>); the adapter's kernel code has 8·nf channels.</summary>
    public int Features { get; init; } = 64;

    /// <summary>Residual blocks of the feature extractor (<c>front_RBs</c>).</summary>
    public int FrontBlocks { get; init; } = 10;

    /// <summary>Residual blocks of the reconstruction trunk (<c>back_RBs</c>).</summary>
    public int BackBlocks { get; init; } = 20;

    /// <summary>Kernel-extractor output width (<c>kernel_dim</c>); the extractor is not used to blur, but its weights are in the checkpoint.</summary>
    public int KernelDim { get; init; } = 512;

    /// <summary>Whether the extractor predicts a mean and a variance (<c>use_vae</c>; doubles its output channels).</summary>
    public bool UseVae { get; init; } = true;

    /// <summary>Whether the extractor sees the sharp image too (<c>KernelExtractor.use_sharp</c>).</summary>
    public bool ExtractorUsesSharp { get; init; } = true;

    /// <summary>ResNet blocks of the extractor (<c>KernelExtractor.n_blocks</c>).</summary>
    public int ExtractorBlocks { get; init; } = 4;

    /// <summary>Padding of the extractor's ResNet blocks (<c>KernelExtractor.padding_type</c>): reflect, replicate or zero.</summary>
    public string ExtractorPadding { get; init; } = "reflect";

    /// <summary>Dropout layers in the extractor (<c>KernelExtractor.use_dropout</c>; inactive in evaluation, but they shift layer indices).</summary>
    public bool ExtractorDropout { get; init; }

    /// <summary>Dropout layers in the adapter (<c>Adapter.use_dropout</c>; the reference never passes it on, so it changes nothing).</summary>
    public bool AdapterDropout { get; init; }

    /// <summary>Checkpoint path the option file names (<c>pretrained</c>), relative paths resolved against the file's folder; informational.</summary>
    public string? Pretrained { get; init; }

    /// <summary>Channels of the adapter's kernel code (its innermost U-Net width, 8·nf).</summary>
    public int CodeChannels => 8 * Features;

    /// <summary>
    /// The kernel-code shape the adapter takes for images of <paramref name="height"/>×<paramref name="width"/>:
    /// [1, 8·nf, H/128, W/128], e.g. 1×512×2×2 for the published model at 256×256.
    /// </summary>
    /// <exception cref="ArgumentException">A side is not a positive multiple of 128, which the five-level U-Net over the quarter-size feature map needs.</exception>
    public long[] CodeShape(long height, long width)
    {
        if (height < 128 || width < 128 || height % 128 != 0 || width % 128 != 0)
            throw new ArgumentException($"KernelWizard blurs images whose sides are multiples of 128 (its U-Net halves a quarter-size feature map five times), got {height}×{width}");
        return [1, CodeChannels, height / 128, width / 128];
    }

    /// <summary>The published GOPRO_wVAE model (BKSE <c>options/generate_blur/default.yml</c>), the reference's nonlinear blur.</summary>
    public static KernelWizardOptions GoproWvae { get; } = new();

    /// <summary>The preset name of <see cref="GoproWvae"/>.</summary>
    public const string GoproWvaePreset = "gopro_wvae";

    /// <summary>Named presets for the CLI and job specs (names compared case-insensitively).</summary>
    public static IReadOnlyDictionary<string, KernelWizardOptions> Presets { get; } =
        new Dictionary<string, KernelWizardOptions>(StringComparer.OrdinalIgnoreCase) { [GoproWvaePreset] = GoproWvae };

    /// <summary>Every problem (empty when valid), each naming the option-file key.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (InputChannels < 1) problems.Add($"input_nc: {InputChannels} must be >= 1");
        if (Features < 1) problems.Add($"nf: {Features} must be >= 1");
        if (FrontBlocks < 0) problems.Add($"front_RBs: {FrontBlocks} must be >= 0");
        if (BackBlocks < 0) problems.Add($"back_RBs: {BackBlocks} must be >= 0");
        if (KernelDim < 1) problems.Add($"kernel_dim: {KernelDim} must be >= 1");
        if (ExtractorBlocks < 0) problems.Add($"KernelExtractor.n_blocks: {ExtractorBlocks} must be >= 0");
        if (ExtractorPadding is not ("reflect" or "replicate" or "zero"))
            problems.Add($"KernelExtractor.padding_type: '{ExtractorPadding}' must be reflect, replicate or zero");
        return problems;
    }

    /// <summary>Throws when <see cref="Problems"/> is not empty.</summary>
    /// <exception cref="ArgumentException">The options are invalid; every problem is listed.</exception>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0) throw new ArgumentException("invalid KernelWizard options: " + string.Join("; ", problems));
    }

    /// <summary>
    /// Reads a BKSE option file: its <c>KernelWizard</c> section (or the whole document when it has none). Only the
    /// architecture-free norm <c>none</c> is supported, as in every published KernelWizard option file.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Malformed YAML, an unknown key or an invalid value; the message names the file and key.</exception>
    public static KernelWizardOptions FromYamlFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"KernelWizard options not found: {path}", path);
        var options = FromYaml(File.ReadAllText(path), path);
        return options.Pretrained is { } p && !Path.IsPathRooted(p)
            ? options with { Pretrained = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, p)) }
            : options;
    }

    /// <summary>Parses option-file text (see <see cref="FromYamlFile"/>); <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Malformed YAML, an unknown key or an invalid value.</exception>
    public static KernelWizardOptions FromYaml(string yaml, string source = "KernelWizard options")
    {
        Dictionary<string, object?>? root;
        try { root = new DeserializerBuilder().Build().Deserialize<Dictionary<string, object?>>(yaml); }
        catch (YamlException e) { throw new InvalidDataException($"{source}: not valid YAML: {e.Message}", e); }
        if (root is null) throw new InvalidDataException($"{source}: the YAML document is empty");
        var section = root.TryGetValue("KernelWizard", out var kw) ? kw as Dictionary<object, object?>
            ?? throw new InvalidDataException($"{source}: 'KernelWizard' must be a mapping")
            : root.ToDictionary(kv => (object)kv.Key, kv => kv.Value);
        var reader = new SectionReader(source);
        var d = new KernelWizardOptions();
        var extractor = reader.Mapping(section, "KernelExtractor", ["norm", "use_sharp", "n_blocks", "padding_type", "use_dropout"]);
        var adapter = reader.Mapping(section, "Adapter", ["norm", "use_dropout"]);
        reader.CheckKeys(section, "", ["pretrained", "input_nc", "nf", "front_RBs", "back_RBs", "N_frames", "kernel_dim", "use_vae", "KernelExtractor", "Adapter"]);
        reader.CheckNorm(extractor, "KernelExtractor.");
        reader.CheckNorm(adapter, "Adapter.");
        var options = new KernelWizardOptions
        {
            Pretrained = reader.Text(section, "pretrained", null),
            InputChannels = reader.Int(section, "input_nc", d.InputChannels),
            Features = reader.Int(section, "nf", d.Features),
            FrontBlocks = reader.Int(section, "front_RBs", d.FrontBlocks),
            BackBlocks = reader.Int(section, "back_RBs", d.BackBlocks),
            KernelDim = reader.Int(section, "kernel_dim", d.KernelDim),
            UseVae = reader.Bool(section, "use_vae", d.UseVae),
            ExtractorUsesSharp = reader.Bool(extractor, "use_sharp", d.ExtractorUsesSharp, "KernelExtractor."),
            ExtractorBlocks = reader.Int(extractor, "n_blocks", d.ExtractorBlocks, "KernelExtractor."),
            ExtractorPadding = reader.Text(extractor, "padding_type", d.ExtractorPadding, "KernelExtractor.")!,
            ExtractorDropout = reader.Bool(extractor, "use_dropout", d.ExtractorDropout, "KernelExtractor."),
            AdapterDropout = reader.Bool(adapter, "use_dropout", d.AdapterDropout, "Adapter."),
        };
        if (reader.Int(section, "N_frames", 1) != 1) throw new InvalidDataException($"{source}: N_frames must be 1 (KernelWizard blurs single frames)");
        var problems = options.Problems();
        if (problems.Count > 0) throw new InvalidDataException($"{source}: {string.Join("; ", problems)}");
        return options;
    }

    private sealed class SectionReader(string source)
    {
        public Dictionary<object, object?> Mapping(Dictionary<object, object?> section, string key, string[] known)
        {
            if (!section.TryGetValue(key, out var value) || value is null) return [];
            var mapping = value as Dictionary<object, object?> ?? throw new InvalidDataException($"{source}: '{key}' must be a mapping");
            CheckKeys(mapping, key + ".", known);
            return mapping;
        }

        public void CheckKeys(Dictionary<object, object?> mapping, string prefix, string[] known)
        {
            var unknown = mapping.Keys.Select(k => k.ToString()!).Where(k => !known.Contains(k)).ToList();
            if (unknown.Count > 0)
                throw new InvalidDataException($"{source}: unknown key(s) {string.Join(", ", unknown.Select(k => prefix + k))}; known keys: {string.Join(", ", known.Select(k => prefix + k))}");
        }

        public void CheckNorm(Dictionary<object, object?> mapping, string prefix)
        {
            var norm = Text(mapping, "norm", "none", prefix);
            if (norm != "none")
                throw new InvalidDataException($"{source}: {prefix}norm '{norm}' is not supported (only 'none', the published models' setting)");
        }

        public string? Text(Dictionary<object, object?> mapping, string key, string? fallback, string prefix = "") =>
            mapping.TryGetValue(key, out var v) && v is not null ? Convert.ToString(v, CultureInfo.InvariantCulture)!.Trim() : fallback;

        public int Int(Dictionary<object, object?> mapping, string key, int fallback, string prefix = "")
        {
            var text = Text(mapping, key, null, prefix);
            if (text is null) return fallback;
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i
                : throw new InvalidDataException($"{source}: '{prefix}{key}' must be an integer, got '{text}'");
        }

        public bool Bool(Dictionary<object, object?> mapping, string key, bool fallback, string prefix = "")
        {
            var text = Text(mapping, key, null, prefix);
            if (text is null) return fallback;
            return text.ToLowerInvariant() switch
            {
                "true" or "yes" or "1" => true,
                "false" or "no" or "0" => false,
                _ => throw new InvalidDataException($"{source}: '{prefix}{key}' must be true or false, got '{text}'"),
            };
        }
    }
}
