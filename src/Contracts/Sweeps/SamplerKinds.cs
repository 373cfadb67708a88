namespace Spgd.Contracts.Sweeps;

/// <summary>Names of the samplers a sweep can run.</summary>
public static class SamplerKinds
{
    /// <summary>SPGD: N likelihood warm-up steps (with or without ADM) before each denoising step.</summary>
    public const string Spgd = "spgd";

    /// <summary>The DPS baseline: one denoising step, then one likelihood step of size ζ.</summary>
    public const string Dps = "dps";

    /// <summary>
    /// The "no gradient management" baseline: SPGD with N = 1 and ADM off. It expands to exactly that SPGD point, so a
    /// sweep that lists both gets it once.
    /// </summary>
    public const string Plain = "plain";

    /// <summary>Every accepted name.</summary>
    public static IReadOnlyList<string> All { get; } = [Spgd, Dps, Plain];

    /// <summary>Whether <paramref name="name"/> is one of <see cref="All"/> (case-insensitive).</summary>
    public static bool IsKnown(string? name) => name is not null && All.Contains(name.Trim().ToLowerInvariant());
}
