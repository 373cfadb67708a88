using System.Security.Cryptography;
using Spgd.Evaluation.Manifests;
using Spgd.Tests;

namespace Spgd.Evaluation.Tests.Manifests;

/// <summary>A temporary folder of small fake image files with deterministic contents.</summary>
internal sealed class TestDataset : IDisposable
{
    public TestDataset(params string[] names)
    {
        Folder = TestPaths.NewTempDir("spgd-eval");
        foreach (var name in names) Write(name, ContentOf(name));
    }

    public string Folder { get; }

    public string PathOf(string name) => Path.Combine(Folder, name);

    public void Write(string name, byte[] content) => File.WriteAllBytes(PathOf(name), content);

    /// <summary>Bytes that differ per name and in length, so size and hash both identify a file.</summary>
    public static byte[] ContentOf(string name) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)).Concat(new byte[name.Length]).ToArray();

    public static DatasetManifest Manifest(IReadOnlyList<ManifestEntry> entries, string model = "sha256:abc") =>
        new() { Entries = entries, Model = model };

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>An in-memory stand-in for a blob prefix: names and bytes, as the cluster's adapter would provide.</summary>
internal sealed class MemorySource(string location, IReadOnlyDictionary<string, byte[]> blobs) : IManifestSource
{
    public string Location => location;

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(blobs.Keys.Reverse().ToList());

    public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult<Stream?>(blobs.TryGetValue(name, out var b) ? new MemoryStream(b) : null);
}
