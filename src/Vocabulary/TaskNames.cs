namespace Spgd.Vocabulary;

/// <summary>
/// Canonical task (forward operator) names, and the names the reference implementations (SPGD, DPS)
/// use for them in their configuration files. The one table of task names: Core's operators, the job spec's
/// validator and the CLI all read it.
/// </summary>
public static class TaskNames
{
    /// <summary>Inpainting with a random-pixel mask (the same mask for every channel).</summary>
    public const string InpaintingRandom = "inpainting_random";

    /// <summary>Inpainting with a square box mask.</summary>
    public const string InpaintingBox = "inpainting_box";

    /// <summary>Gaussian blur (61×61, std 3 by default).</summary>
    public const string GaussianBlur = "gaussian_blur";

    /// <summary>Motion blur with a random-trajectory kernel (61×61, intensity 0.5 by default).</summary>
    public const string MotionBlur = "motion_blur";

    /// <summary>×4 bicubic, antialiased down-sampling (super-resolution).</summary>
    public const string SuperResolution = "super_resolution";

    /// <summary>Fourier phase retrieval (magnitude of the oversampled spectrum).</summary>
    public const string PhaseRetrieval = "phase_retrieval";

    /// <summary>High dynamic range: clip(scale·x, −1, 1).</summary>
    public const string Hdr = "hdr";

    /// <summary>Nonlinear deblurring through BKSE's trained KernelWizard (needs its checkpoint).</summary>
    public const string NonlinearBlur = "nonlinear_blur";

    /// <summary>Every canonical name, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [InpaintingRandom, InpaintingBox, GaussianBlur, MotionBlur, SuperResolution, PhaseRetrieval, Hdr, NonlinearBlur];

    // Keys are lower case with '-' and ' ' folded to '_'.
    private static readonly Dictionary<string, string> Aliases = new()
    {
        [InpaintingRandom] = InpaintingRandom,
        ["inpainting_rand"] = InpaintingRandom,      // SPGD config/task/inpainting_rand.yaml
        ["random_inpainting"] = InpaintingRandom,
        [InpaintingBox] = InpaintingBox,
        ["box_inpainting"] = InpaintingBox,
        [GaussianBlur] = GaussianBlur,
        ["gaussian_deblur"] = GaussianBlur,          // DPS config name
        [MotionBlur] = MotionBlur,
        ["motion_deblur"] = MotionBlur,              // DPS config name
        [SuperResolution] = SuperResolution,
        ["down_sampling"] = SuperResolution,         // SPGD operator name
        ["downsampling"] = SuperResolution,
        ["sr"] = SuperResolution,
        [PhaseRetrieval] = PhaseRetrieval,
        [Hdr] = Hdr,
        ["high_dynamic_range"] = Hdr,                // SPGD operator name
        [NonlinearBlur] = NonlinearBlur,
        ["nonlinear_deblur"] = NonlinearBlur,        // DPS config name
    };

    /// <summary>True when <paramref name="name"/> is a canonical name or a known alias.</summary>
    public static bool IsKnown(string? name) => name is not null && Aliases.ContainsKey(Fold(name));

    /// <summary>
    /// Maps a canonical name or a reference alias (case-insensitive, '-' or '_') to the canonical name.
    /// The reference's bare <c>inpainting</c> needs a mask type: use <see cref="Normalize(string, string?)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown or ambiguous name; the message lists the valid names.</exception>
    public static string Normalize(string name) => Normalize(name, maskType: null);

    /// <summary>
    /// Like <see cref="Normalize(string)"/>, also accepting the reference's operator name <c>inpainting</c>
    /// together with its <c>mask_type</c> (<c>random</c> or <c>box</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown or ambiguous name, or a mask type other than random/box.</exception>
    public static string Normalize(string name, string? maskType)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = Fold(name);
        if (key == "inpainting")
        {
            // SPGD's inpainting.yaml means box, DPS's inpainting_config.yaml means random: never guess.
            return maskType is null
                ? throw new ArgumentException(
                    $"task 'inpainting' is ambiguous without a mask type: use '{InpaintingRandom}' or '{InpaintingBox}' (or mask_type random|box)", nameof(name))
                : Fold(maskType) switch
                {
                    "random" => InpaintingRandom,
                    "box" => InpaintingBox,
                    _ => throw new ArgumentException($"unsupported inpainting mask_type '{maskType}': expected 'random' or 'box'", nameof(maskType)),
                };
        }
        if (Aliases.TryGetValue(key, out var canonical)) return canonical;
        throw new ArgumentException(
            $"unknown task '{name}'. Valid tasks: {string.Join(", ", All)} " +
            $"(aliases: {string.Join(", ", Aliases.Keys.Where(k => !All.Contains(k)).Append("inpainting + mask_type"))})", nameof(name));
    }

    /// <summary>The canonical name for a canonical name or alias (case-insensitive, '-' or ' ' as '_'), or <c>null</c>.</summary>
    public static string? TryNormalize(string? name) =>
        name is not null && Aliases.TryGetValue(Fold(name), out var canonical) ? canonical : null;

    /// <summary>"a, b, c (aliases: x, y)": for error messages.</summary>
    public static string Describe() =>
        $"{string.Join(", ", All)} (aliases: {string.Join(", ", Aliases.Keys.Where(k => !All.Contains(k)))})";

    private static string Fold(string s) => s.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
}
