using System.IO.Compression;
using static TorchSharp.torch;

namespace Spgd.Core.Checkpoints;

/// <summary>Storages of a zip-format torch.save file: entry <c>&lt;name&gt;/data/&lt;key&gt;</c> per storage.</summary>
internal sealed class ZipStorageSource(string path, ZipArchive archive, string prefix) : StorageSource(path)
{
    public override Tensor Read(StorageRef storage)
    {
        var entry = archive.GetEntry(prefix + "data/" + storage.Key)
            ?? throw new InvalidDataException($"{Path}: storage '{storage.Key}' is referenced but {prefix}data/{storage.Key} is missing");
        long expected = storage.Numel * TorchPickle.ElementSize(storage.DType);
        if (entry.Length < expected)
            throw new InvalidDataException($"{Path}: storage '{storage.Key}' has {entry.Length} bytes, its tensors need {expected}");
        using var stream = entry.Open();
        return ReadInto(stream, storage);
    }

    public override void Dispose() => archive.Dispose();
}
