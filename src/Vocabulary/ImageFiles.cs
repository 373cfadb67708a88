namespace Spgd.Vocabulary;

/// <summary>
/// Which files of a folder data set are images: a known image extension or an image file signature (PNG, JPEG, BMP).
/// Anything else (a README, a checksum list) is not a candidate and is listed as skipped; a file that claims to be an
/// image and does not decode stays a candidate and fails its item with the decoder's reason.
/// </summary>
public static class ImageFiles
{
    /// <summary>Extensions taken as images (lower case, with the dot).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp"];

    private static readonly byte[][] Signatures = [[0x89, (byte)'P', (byte)'N', (byte)'G'], [0xFF, 0xD8, 0xFF], [(byte)'B', (byte)'M']];

    /// <summary>Whether the file at <paramref name="path"/> is an image candidate (by extension, else by signature).</summary>
    public static bool IsCandidate(string path)
    {
        if (HasImageExtension(path)) return true;
        try
        {
            Span<byte> head = stackalloc byte[4];
            using var stream = File.OpenRead(path);
            var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            foreach (var signature in Signatures)
                if (read >= signature.Length && head[..signature.Length].SequenceEqual(signature)) return true;
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="path"/>'s extension is one of <see cref="Extensions"/>.</summary>
    public static bool HasImageExtension(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());
}
