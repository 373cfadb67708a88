using System.Globalization;
using System.Security.Cryptography;

namespace Spgd.Evaluation.Manifests;

/// <summary>Identifies the prior a job used, for <see cref="DatasetManifest.Model"/>.</summary>
public static class ModelDigest
{
    /// <summary>SHA-256 of a checkpoint file as <c>sha256:&lt;64 hex digits&gt;</c>.</summary>
    /// <exception cref="FileNotFoundException">The checkpoint does not exist.</exception>
    public static string OfFile(string checkpointPath)
    {
        if (!File.Exists(checkpointPath)) throw new FileNotFoundException($"Model checkpoint '{checkpointPath}' does not exist.", checkpointPath);
        using var stream = File.OpenRead(checkpointPath);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>SHA-256 of checkpoint bytes (e.g. a blob), in the form of <see cref="OfFile"/>.</summary>
    public static string OfBytes(ReadOnlySpan<byte> checkpoint) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(checkpoint));

    /// <summary>
    /// The closed-form spectral Gaussian prior has no weights file: its parameters identify it,
    /// e.g. <c>spectral-gaussian(v=0.25,alpha=3.5)</c> (round-trip formatting, so distinct values never collide).
    /// </summary>
    public static string SpectralGaussian(double variance, double alpha) =>
        string.Create(CultureInfo.InvariantCulture, $"spectral-gaussian(v={variance:R},alpha={alpha:R})");
}
