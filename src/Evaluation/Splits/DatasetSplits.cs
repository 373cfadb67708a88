using System.Globalization;

namespace Spgd.Evaluation.Splits;

/// <summary>The named splits of the paper's evaluations.</summary>
public static class DatasetSplits
{
    /// <summary>Name of <see cref="FfhqVal1k"/>.</summary>
    public const string FfhqVal1kName = "ffhq-val-1k";

    /// <summary>Name of <see cref="ImageNetVal500"/>.</summary>
    public const string ImageNetVal500Name = "imagenet-val-500";

    /// <summary>
    /// FFHQ images <c>00000.png</c> … <c>00999.png</c> at 256×256: the first 1,000 images of FFHQ (its folder
    /// <c>00000</c>), which DPS held out of the FFHQ prior's training and evaluates on.
    /// </summary>
    public static DatasetSplit FfhqVal1k { get; } = new(
        FfhqVal1kName,
        "FFHQ 256×256, images 00000.png … 00999.png (FFHQ's folder 00000); point the split at that folder.",
        256,
        Enumerable.Range(0, 1000).Select(i => i.ToString("D5", CultureInfo.InvariantCulture) + ".png").ToList(),
        "DPS's validation convention: the first 1,000 FFHQ images (folder 00000) were excluded from the training of the " +
        "FFHQ 256 checkpoint (ffhq_10m.pt) and form DPS's test set; later methods (DAPS, SPGD) draw their FFHQ test " +
        "images from the same held-out range, so any subset of it stays comparable.");

    /// <summary>
    /// ImageNet (ILSVRC2012) validation images <c>ILSVRC2012_val_00000001.JPEG</c> … <c>ILSVRC2012_val_00000500.JPEG</c>,
    /// evaluated at 256×256 (short side resized to 256, centre crop). See <see cref="DatasetSplit.Rationale"/>.
    /// </summary>
    public static DatasetSplit ImageNetVal500 { get; } = new(
        ImageNetVal500Name,
        "ImageNet ILSVRC2012 validation, ILSVRC2012_val_00000001.JPEG … ILSVRC2012_val_00000500.JPEG, " +
        "resized (short side 256) and centre-cropped to 256×256 at load time.",
        256,
        Enumerable.Range(1, 500).Select(i => $"ILSVRC2012_val_{i.ToString("D8", CultureInfo.InvariantCulture)}.JPEG").ToList(),
        "No canonical list exists: DPS-style ImageNet evaluations take 'the first N validation images' (DPS's authors " +
        "also dropped images smaller than 256 px, so their set is not exactly the first N). We define the split as the " +
        "first 500 files of the official validation set in file order, with no size filter, so the list is exact and " +
        "needs no image content to reproduce. The validation files are numbered independently of their classes, so this " +
        "prefix is a class-mixed sample; 500 images halve the cost of a 1k evaluation of the 256-channel ImageNet model " +
        "while keeping the 95 % interval of a mean PSNR to a few tenths of a dB.");

    /// <summary>Every named split.</summary>
    public static IReadOnlyList<DatasetSplit> All { get; } = [FfhqVal1k, ImageNetVal500];

    /// <summary>The split called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="KeyNotFoundException">No such split; the message lists the known ones.</exception>
    public static DatasetSplit Get(string name) =>
        TryGet(name, out var split)
            ? split
            : throw new KeyNotFoundException($"Unknown data set split '{name}'; known splits: {string.Join(", ", All.Select(s => s.Name))}.");

    /// <summary>Looks a split up by name (case-insensitive).</summary>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DatasetSplit? split)
    {
        split = All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
        return split is not null;
    }

    /// <summary>Full paths of split <paramref name="split"/>'s files in <paramref name="folder"/>, in evaluation order.</summary>
    /// <exception cref="KeyNotFoundException">Unknown split.</exception>
    /// <exception cref="Manifests.MissingManifestFilesException">Files are missing: the message lists the first few and the count.</exception>
    public static IReadOnlyList<string> Resolve(string split, string folder) => Get(split).Resolve(folder);
}
