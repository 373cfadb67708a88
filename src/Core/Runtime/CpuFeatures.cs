namespace Spgd.Core.Runtime;

/// <summary>
/// The instruction-set flags of this machine's CPU (the <c>flags</c> line of /proc/cpuinfo on Linux). They decide
/// whether a reduced-precision setting can run here and which kernels libtorch picks, so benchmarks record them.
/// </summary>
/// <param name="Flags">Every flag, as /proc/cpuinfo spells it (empty where it cannot be read).</param>
public sealed record CpuFeatures(IReadOnlySet<string> Flags)
{
    /// <summary>Flags worth printing beside a benchmark: the vector and matrix extensions that change libtorch's kernels.</summary>
    public static readonly IReadOnlyList<string> Notable =
        ["avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx512_vp2intersect", "amx_bf16", "amx_tile", "amx_fp16"];

    private static readonly Lazy<CpuFeatures> Local = new(() => Parse(TryRead("/proc/cpuinfo")));

    /// <summary>This machine's CPU.</summary>
    public static CpuFeatures Current => Local.Value;

    /// <summary>Native bfloat16 arithmetic (AVX512-BF16 or AMX-BF16): without it libtorch emulates bf16 and is slower
    /// than float32, so bf16 is refused rather than silently slow.</summary>
    public bool HasBf16 => Flags.Contains("avx512_bf16") || Flags.Contains("amx_bf16");

    /// <summary>The <see cref="Notable"/> flags this CPU has, in that order.</summary>
    public IReadOnlyList<string> NotablePresent => Notable.Where(Flags.Contains).ToList();

    /// <summary>Reads the first <c>flags</c> line of a /proc/cpuinfo text (null or empty: no flags).</summary>
    public static CpuFeatures Parse(string? cpuinfo)
    {
        foreach (var line in (cpuinfo ?? "").Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() == "flags")
                return new CpuFeatures(line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal));
        }
        return new CpuFeatures(new HashSet<string>());
    }

    private static string? TryRead(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path) : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
