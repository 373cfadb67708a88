namespace Spgd.Evaluation.Manifests;

/// <summary>Which files count as images, and the evaluation order of their names.</summary>
public static class ImageFileNames
{
    /// <summary>Extensions (lower case, with the dot) of the image files a data set folder is scanned for: the
    /// vocabulary's, so the manifest and the job's listing agree.</summary>
    public static IReadOnlyList<string> Extensions => Spgd.Vocabulary.ImageFiles.Extensions;

    /// <summary>Whether <paramref name="name"/> has an image extension (case-insensitive) and is not hidden.</summary>
    public static bool IsImage(string name)
    {
        var file = name[(name.LastIndexOf('/') + 1)..];
        return !file.StartsWith('.') && Extensions.Contains(Path.GetExtension(file).ToLowerInvariant());
    }

    /// <summary>The image names among <paramref name="names"/>, in evaluation order (<see cref="NaturalOrder"/>).</summary>
    public static IReadOnlyList<string> OrderedImages(IEnumerable<string> names) =>
        names.Where(IsImage).Order(NaturalOrder).ToList();

    /// <summary>
    /// Evaluation order: runs of digits compare by numeric value (so <c>img2</c> precedes <c>img10</c>), everything else
    /// ordinally (case-sensitive, culture-free, so every machine agrees); ties are broken by plain ordinal order.
    /// Zero-padded names such as FFHQ's <c>00000.png</c> therefore keep their ordinal order.
    /// </summary>
    public static IComparer<string> NaturalOrder { get; } = Comparer<string>.Create(CompareNatural);

    private static int CompareNatural(string? a, string? b)
    {
        if (a is null || b is null) return a is null ? (b is null ? 0 : -1) : 1;
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                int si = i, sj = j;
                while (i < a.Length && char.IsAsciiDigit(a[i])) i++;
                while (j < b.Length && char.IsAsciiDigit(b[j])) j++;
                var da = a.AsSpan(si, i - si).TrimStart('0');
                var db = b.AsSpan(sj, j - sj).TrimStart('0');
                // Same digit count without leading zeros: the ordinal order of the digits is the numeric order.
                var c = da.Length != db.Length ? da.Length.CompareTo(db.Length) : da.SequenceCompareTo(db);
                if (c != 0) return c;
            }
            else
            {
                if (a[i] != b[j]) return a[i].CompareTo(b[j]);
                i++;
                j++;
            }
        }

        var rest = (a.Length - i).CompareTo(b.Length - j);
        return rest != 0 ? rest : string.CompareOrdinal(a, b);
    }
}
