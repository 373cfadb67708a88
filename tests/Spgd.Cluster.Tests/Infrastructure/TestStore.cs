using Spgd.Storage;

namespace Spgd.Cluster.Tests.Infrastructure;

/// <summary>The cluster's folder blob store, with synchronous helpers for assertions.</summary>
internal sealed class TestStore(string root)
{
    public string Root { get; } = root;
    public FileBlobStore Blobs { get; } = new(root);

    /// <summary>The same store, counting writes: the silos' grain storage goes through it.</summary>
    public CountingBlobStore GrainStateBlobs => _grainState ??= new CountingBlobStore(Blobs);

    private CountingBlobStore? _grainState;

    public bool Exists(string key) => File.Exists(PathOf(key));
    public byte[] Bytes(string key) => File.ReadAllBytes(PathOf(key));
    public string Text(string key) => File.ReadAllText(PathOf(key));
    public string PathOf(string key) => Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Blob names under a prefix (ordinal order).</summary>
    public IReadOnlyList<string> List(string prefix) => Blobs.ListAsync(prefix).GetAwaiter().GetResult();
}
