namespace Spgd.Vocabulary;

/// <summary>How long ADM's smoothed gradient lives (the paper's Table 2 ablation).</summary>
public static class AdmScopes
{
    /// <summary>Reset at each outer step: the paper's algorithm (momentum over one warm-up).</summary>
    public const string Warmup = "warmup";

    /// <summary>Carried across outer steps: Table 2's "ADM without warm-up" row.</summary>
    public const string Trajectory = "trajectory";

    /// <summary>Every scope.</summary>
    public static IReadOnlyList<string> All { get; } = [Warmup, Trajectory];

    /// <summary>Whether <paramref name="scope"/> names a scope (case-insensitive).</summary>
    public static bool IsKnown(string? scope) => scope is not null && All.Contains(scope.Trim().ToLowerInvariant());
}
