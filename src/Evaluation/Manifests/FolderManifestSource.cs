namespace Spgd.Evaluation.Manifests;

/// <summary>The files directly inside a local folder (not its sub-folders: data-set splits are flat folders).</summary>
public sealed class FolderManifestSource : IManifestSource
{
    /// <summary>A source over <paramref name="folder"/>, which must exist.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public FolderManifestSource(string folder)
    {
        Folder = Path.GetFullPath(folder);
        if (!Directory.Exists(Folder)) throw new DirectoryNotFoundException($"Data set folder '{Folder}' does not exist.");
    }

    /// <summary>The folder's full path.</summary>
    public string Folder { get; }

    /// <inheritdoc />
    public string Location => Folder;

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(Directory.EnumerateFiles(Folder).Select(Path.GetFileName).OfType<string>().ToList());

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        return Task.FromResult<Stream?>(File.Exists(path) ? File.OpenRead(path) : null);
    }

    /// <summary>Full path of <paramref name="name"/>; rejects names that would leave the folder.</summary>
    public string PathOf(string name)
    {
        var path = Path.GetFullPath(Path.Combine(Folder, name));
        if (!path.StartsWith(Folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"Manifest name '{name}' points outside the data set folder '{Folder}'.", nameof(name));
        return path;
    }
}
