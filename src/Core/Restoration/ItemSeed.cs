using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Spgd.Core.Restoration;

/// <summary>
/// Derives per-item random seeds from a job seed with SHA-256, so every image/task/run gets the same seed on every
/// machine, in every order and after every retry. Each random draw of a restoration then uses its own sub-seed
/// (<see cref="ForOperator"/>, <see cref="ForNoise"/>, <see cref="ForStart"/>), so changing one draw never shifts another.
/// </summary>
public static class ItemSeed
{
    /// <summary>
    /// The seed of one (image, task, run) item of a job: the first 8 bytes (little-endian) of SHA-256 over the UTF-8
    /// string <c>spgd-item/v1</c>, the job seed in decimal, and the length-prefixed image id and task name.
    /// Strings are used exactly as given (ordinal, case-sensitive): pass canonical task names.
    /// </summary>
    public static ulong Derive(ulong jobSeed, string imageId, string task, int run)
    {
        ArgumentNullException.ThrowIfNull(imageId);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentOutOfRangeException.ThrowIfNegative(run);
        // Length prefixes keep ("a|b", "c") and ("a", "b|c") apart.
        return Hash($"spgd-item/v1|{jobSeed}|{imageId.Length}:{imageId}|{task.Length}:{task}|{run}");
    }

    /// <summary>Sub-seed for the operator's random parts (inpainting mask, motion-blur kernel).</summary>
    public static ulong ForOperator(ulong itemSeed) => Hash($"spgd-sub/v1|{itemSeed}|operator");

    /// <summary>Sub-seed for the measurement noise σ_y·n.</summary>
    public static ulong ForNoise(ulong itemSeed) => Hash($"spgd-sub/v1|{itemSeed}|noise");

    /// <summary>Sub-seed for the sampler's start x_T = σ_max·n.</summary>
    public static ulong ForStart(ulong itemSeed) => Hash($"spgd-sub/v1|{itemSeed}|start");

    /// <summary>Seed of a stochastic baseline sampler's own noise stream (its x_T and its per-step draws).</summary>
    public static ulong ForSampler(ulong itemSeed) => Hash($"spgd-sub/v1|{itemSeed}|sampler");

    private static ulong Hash(string canonical) =>
        BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
}
