namespace Spgd.Evaluation.Manifests;

/// <summary>
/// Where a data set's images are read from: a local folder (<see cref="FolderManifestSource"/>) or, through a small
/// adapter in the cluster, a blob-store prefix. Names are relative to the source's root and use '/' separators.
/// </summary>
public interface IManifestSource
{
    /// <summary>Human-readable location for reports and errors (a folder path, <c>blob:container/prefix</c>).</summary>
    string Location { get; }

    /// <summary>Names of every file in the source, in any order; the caller filters images and orders them.</summary>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens a file for reading, or returns null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default);
}
