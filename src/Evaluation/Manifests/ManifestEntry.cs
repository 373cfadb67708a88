namespace Spgd.Evaluation.Manifests;

/// <summary>One evaluated image: its name relative to the data set's root, its size and content hash.</summary>
/// <param name="Name">File name (or blob name below the prefix) with '/' separators, e.g. <c>00042.png</c>.
/// Relative, so that the same images in a folder and under a blob prefix give the same manifest.</param>
/// <param name="Bytes">Size of the file in bytes.</param>
/// <param name="Sha256">SHA-256 of the file's bytes, 64 lower-case hex digits.</param>
public sealed record ManifestEntry(string Name, long Bytes, string Sha256);
