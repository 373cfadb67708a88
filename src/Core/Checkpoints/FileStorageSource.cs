using static TorchSharp.torch;

namespace Spgd.Core.Checkpoints;

/// <summary>Storages at known byte offsets of one file (legacy torch.save, safetensors).</summary>
internal sealed class FileStorageSource(string path, FileStream stream, IReadOnlyDictionary<string, long> offsets) : StorageSource(path)
{
    public override Tensor Read(StorageRef storage)
    {
        if (!offsets.TryGetValue(storage.Key, out var offset))
            throw new InvalidDataException($"{Path}: storage '{storage.Key}' is referenced but not present in the file");
        stream.Seek(offset, SeekOrigin.Begin);
        return ReadInto(stream, storage);
    }

    public override void Dispose() => stream.Dispose();
}
