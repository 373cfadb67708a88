namespace Spgd.Contracts.Jobs;

/// <summary>
/// The restoration tasks a job may name, canonical names and the reference implementations' aliases. A copy of
/// Core's <c>TaskNames</c> table kept here so that Contracts (and the cluster client) need not load Core; a test
/// keeps the two equal.
/// </summary>
public static class KnownTasks
{
    /// <summary>Every canonical task name, in a stable order.</summary>
    public static IReadOnlyList<string> Canonical { get; } =
        ["inpainting_random", "inpainting_box", "gaussian_blur", "motion_blur", "super_resolution", "phase_retrieval", "hdr", "nonlinear_blur"];

    /// <summary>Every accepted name (canonical ones included, lower case with '_') and the canonical name it means.</summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>
    {
        ["inpainting_random"] = "inpainting_random",
        ["inpainting_rand"] = "inpainting_random",
        ["random_inpainting"] = "inpainting_random",
        ["inpainting_box"] = "inpainting_box",
        ["box_inpainting"] = "inpainting_box",
        ["gaussian_blur"] = "gaussian_blur",
        ["gaussian_deblur"] = "gaussian_blur",
        ["motion_blur"] = "motion_blur",
        ["motion_deblur"] = "motion_blur",
        ["super_resolution"] = "super_resolution",
        ["down_sampling"] = "super_resolution",
        ["downsampling"] = "super_resolution",
        ["sr"] = "super_resolution",
        ["phase_retrieval"] = "phase_retrieval",
        ["hdr"] = "hdr",
        ["high_dynamic_range"] = "hdr",
        ["nonlinear_blur"] = "nonlinear_blur",
        ["nonlinear_deblur"] = "nonlinear_blur",
    };

    /// <summary>The canonical name for a canonical name or alias (case-insensitive, '-' or ' ' as '_'), or <c>null</c>.</summary>
    public static string? TryNormalize(string? name) =>
        name is not null && Aliases.TryGetValue(Fold(name), out var canonical) ? canonical : null;

    /// <summary>Whether <paramref name="name"/> is a canonical name or a known alias.</summary>
    public static bool IsKnown(string? name) => TryNormalize(name) is not null;

    /// <summary>"a, b, c (aliases: x, y)": for error messages.</summary>
    public static string Describe() =>
        $"{string.Join(", ", Canonical)} (aliases: {string.Join(", ", Aliases.Keys.Where(k => !Canonical.Contains(k)))})";

    private static string Fold(string s) => s.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
}
