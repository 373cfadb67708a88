using Spgd.Evaluation.Manifests;
using Spgd.Storage;

namespace Spgd.Grains.Datasets;

/// <summary>
/// The blobs directly under a prefix of a store, named relative to the prefix (<c>datasets/ffhq/00001.png</c> is
/// <c>00001.png</c>), so that the same files in a folder and under a prefix give the same manifest entries.
/// </summary>
public sealed class BlobDatasetSource : IManifestSource
{
    private readonly IBlobStore _store;

    /// <summary>A source over <paramref name="prefix"/> (ending in '/') of <paramref name="store"/>.</summary>
    public BlobDatasetSource(IBlobStore store, string prefix, string? container = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        _store = store;
        Prefix = prefix.EndsWith('/') ? prefix : prefix + "/";
        Container = container;
        Location = LocationPrefix + (container is null ? "" : container + ":") + Prefix;
    }

    /// <summary>How <see cref="Location"/> (and so a manifest's <c>source</c>) starts: <c>blob:[container:]prefix/</c>.</summary>
    public const string LocationPrefix = "blob:";

    /// <summary>The container, or null for the cluster's own.</summary>
    public string? Container { get; }

    /// <summary>Reads a <see cref="Location"/> back: false when <paramref name="location"/> is not a blob location.</summary>
    public static bool TryParseLocation(string? location, out string? container, out string prefix)
    {
        container = null;
        prefix = "";
        if (location is null || !location.StartsWith(LocationPrefix, StringComparison.Ordinal)) return false;
        var rest = location[LocationPrefix.Length..];
        var colon = rest.IndexOf(':');
        var slash = rest.IndexOf('/');
        if (colon > 0 && (slash < 0 || colon < slash))
        {
            container = rest[..colon];
            rest = rest[(colon + 1)..];
        }
        prefix = rest;
        return prefix.Length > 0;
    }

    /// <summary>The prefix, ending in '/'.</summary>
    public string Prefix { get; }

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    /// <remarks>Like a folder source, only the prefix's own level: blobs in "sub-folders" are not part of the data set.</remarks>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) =>
        (await _store.ListAsync(Prefix, cancellationToken)).Select(n => n[Prefix.Length..]).Where(n => n.Length > 0 && !n.Contains('/')).ToList();

    /// <inheritdoc />
    public async Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default) =>
        await GetAsync(name, cancellationToken) is { } blob ? new MemoryStream(blob.Content, writable: false) : null;

    /// <summary>The blob <paramref name="name"/> (relative to the prefix) with its ETag, or null when it does not exist.</summary>
    public Task<StoredBlob?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        _store.GetAsync(Prefix + name, cancellationToken);
}
