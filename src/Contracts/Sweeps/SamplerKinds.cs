namespace Spgd.Contracts.Sweeps;

/// <summary>Names of the samplers a sweep can run.</summary>
public static class SamplerKinds
{
    /// <summary>SPGD: N likelihood warm-up steps (with or without ADM) before each denoising step.</summary>
    public const string Spgd = "spgd";

    /// <summary>DPS by its protocol (1,000 ancestral DDPM steps, its released ζ per task): <see cref="BaselineMethods.Dps"/>.</summary>
    public const string Dps = BaselineMethods.Dps;

    /// <summary>DPS's likelihood step on SPGD's EDM schedule: one deterministic denoising step, then one likelihood step of size ζ.</summary>
    public const string DpsEdm = "dps-edm";

    /// <summary>DDRM at its protocol (<see cref="BaselineMethods.Ddrm"/>).</summary>
    public const string Ddrm = BaselineMethods.Ddrm;

    /// <summary>DiffPIR at its protocol (<see cref="BaselineMethods.DiffPir"/>).</summary>
    public const string DiffPir = BaselineMethods.DiffPir;

    /// <summary>RED-Diff at its protocol (<see cref="BaselineMethods.RedDiff"/>).</summary>
    public const string RedDiff = BaselineMethods.RedDiff;

    /// <summary>
    /// The "no gradient management" baseline: SPGD with N = 1 and ADM off. It expands to exactly that SPGD point, so a
    /// sweep that lists both gets it once.
    /// </summary>
    public const string Plain = "plain";

    /// <summary>Every accepted name.</summary>
    public static IReadOnlyList<string> All { get; } = [Spgd, Plain, DpsEdm, Dps, Ddrm, DiffPir, RedDiff];

    /// <summary>Whether <paramref name="name"/> is one of <see cref="All"/> (case-insensitive).</summary>
    public static bool IsKnown(string? name) => name is not null && All.Contains(name.Trim().ToLowerInvariant());

    /// <summary>Whether <paramref name="name"/> is a baseline run at its own protocol (<see cref="BaselineMethods"/>), which takes no sampler settings.</summary>
    public static bool IsBaseline(string? name) => name is not null && BaselineMethods.All.Contains(name.Trim().ToLowerInvariant());
}
