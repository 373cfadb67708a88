namespace Spgd.Evaluation.Manifests;

/// <summary>A file that is present but whose bytes differ from the manifest's record.</summary>
/// <param name="Name">File name relative to the data set root.</param>
/// <param name="Expected">What the manifest recorded.</param>
/// <param name="Actual">What the file holds now.</param>
public sealed record ManifestMismatch(string Name, ManifestEntry Expected, ManifestEntry Actual)
{
    /// <summary>One line: name, then size and hash change.</summary>
    public override string ToString() => Expected.Bytes != Actual.Bytes
        ? $"{Name}: {Expected.Bytes} bytes (sha256 {Expected.Sha256[..12]}…) expected, {Actual.Bytes} bytes (sha256 {Actual.Sha256[..12]}…) found"
        : $"{Name}: same size {Actual.Bytes} bytes but sha256 {Actual.Sha256[..12]}… found, {Expected.Sha256[..12]}… expected";
}
