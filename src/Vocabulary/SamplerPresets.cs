namespace Spgd.Vocabulary;

/// <summary>The published variants of SPGD a sampler can follow.</summary>
public static class SamplerPresets
{
    /// <summary>The paper's algorithm: the warm-up steps along the ADM-smoothed gradient.</summary>
    public const string Paper = "paper";

    /// <summary>Exactly the official code: the smoothed gradient is computed but the step takes the raw one.</summary>
    public const string Reference = "reference";

    /// <summary>Every preset.</summary>
    public static IReadOnlyList<string> All { get; } = [Paper, Reference];

    /// <summary>The preset's canonical name (trimmed, lower case); unknown names are returned as given, for the caller to refuse.</summary>
    public static string Normalize(string preset) => preset.Trim().ToLowerInvariant();

    /// <summary>Whether <paramref name="preset"/> names a preset.</summary>
    public static bool IsKnown(string? preset) => preset is not null && All.Contains(Normalize(preset));
}
