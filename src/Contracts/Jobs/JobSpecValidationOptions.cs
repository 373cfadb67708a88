namespace Spgd.Contracts.Jobs;

/// <summary>Where a spec's relative paths point and how much of the file system the validator may look at.</summary>
public sealed record JobSpecValidationOptions
{
    /// <summary>Folder that relative file paths (checkpoint, config, weights, kernels) are relative to: usually the spec file's folder. Default: the current directory.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>
    /// When set, <c>dataset.folder</c> is relative to this folder and must stay inside it, also through symbolic links
    /// (a silo only reads datasets under its data root). When null, the folder is relative to <see cref="BaseDirectory"/>.
    /// </summary>
    public string? DatasetRoot { get; init; }

    /// <summary>Check that local files exist and that the dataset folder holds images (off where the files live elsewhere).</summary>
    public bool CheckFiles { get; init; } = true;

    /// <summary>Options for a spec read from <paramref name="specPath"/>: its relative paths are relative to its folder.</summary>
    public static JobSpecValidationOptions ForSpecFile(string specPath, string? datasetRoot = null) => new()
    {
        BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(specPath)),
        DatasetRoot = datasetRoot,
    };

    /// <summary>File extensions counted as images.</summary>
    public static IReadOnlyList<string> ImageExtensions => ImageFiles.Extensions;
}
