using Microsoft.Extensions.DependencyInjection;
using Spgd.Grains;
using Spgd.Grains.Storage;

namespace Spgd.Silo;

/// <summary>Grain storage and result storage of a silo, from the <c>--storage</c> setting.</summary>
internal static class SpgdStorageSetup
{
    // Interim until Spgd.Storage is merged: grain state in memory, results in a plain folder.
    public static void Add(ISiloBuilder silo, SpgdSiloSettings settings)
    {
        silo.AddMemoryGrainStorage(SpgdStorage.GrainStorageName);
        if (settings.Storage is null) throw new ArgumentException("A silo needs --storage (a folder path or an Azure storage connection string).");
        silo.Services.AddSingleton<IArtifactStore>(new FolderArtifactStore(settings.Storage));
    }

    private sealed class FolderArtifactStore(string root) : IArtifactStore
    {
        public async Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
        {
            var path = Path.Combine(root, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            await File.WriteAllBytesAsync(temp, content.ToArray(), cancellationToken);
            File.Move(temp, path, overwrite: true);
        }

        public async Task<byte[]?> TryReadAsync(string key, CancellationToken cancellationToken = default)
        {
            var path = Path.Combine(root, key);
            return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
        }
    }
}
