namespace Spgd.Contracts.Jobs;

/// <summary>
/// Where the clean images come from: exactly one of a local <see cref="Folder"/>, a blob prefix
/// (<see cref="BlobPrefix"/>, optionally in <see cref="BlobContainer"/>) or a <see cref="Builtin"/> generator.
/// Files are taken in ordinal name order; <see cref="StartIndex"/>/<see cref="EndIndex"/> select a range.
/// </summary>
[GenerateSerializer]
public sealed record DatasetSpec
{
    /// <summary>Name of the built-in synthetic dataset.</summary>
    public const string SpectralDemo = "spectral-demo";

    /// <summary>Folder of PNG/JPEG/BMP images, relative to the dataset root (or the spec file's folder).</summary>
    [Id(0)] public string? Folder { get; init; }

    /// <summary>Blob name prefix of the images (e.g. <c>datasets/ffhq/</c>).</summary>
    [Id(1)] public string? BlobPrefix { get; init; }

    /// <summary>Container of <see cref="BlobPrefix"/>; the job store's container when absent.</summary>
    [Id(2)] public string? BlobContainer { get; init; }

    /// <summary>A built-in generator: <c>spectral-demo</c> (samples of the spectral Gaussian prior).</summary>
    [Id(3)] public string? Builtin { get; init; }

    /// <summary>Number of images a built-in dataset generates.</summary>
    [Id(4)] public int? Count { get; init; }

    /// <summary>First image index taken (0-based, inclusive). Default 0.</summary>
    [Id(5)] public int? StartIndex { get; init; }

    /// <summary>Index after the last image taken (exclusive); all remaining images when absent.</summary>
    [Id(6)] public int? EndIndex { get; init; }

    /// <summary>Side length images are resized (center-cropped) to. Default 256.</summary>
    [Id(7)] public int ImageSize { get; init; } = 256;

    /// <summary>
    /// A named evaluation split (<c>ffhq-val-1k</c>, <c>imagenet-val-500</c>) whose exact file list is taken from
    /// <see cref="Folder"/>; the job refuses to start when any of its files is missing, listing them.
    /// </summary>
    [Id(8)] public string? Split { get; init; }
}
