using System.IO.Compression;

namespace Spgd.Core.Checkpoints;

/// <summary>Opens the zip layout of torch.save: <c>&lt;name&gt;/data.pkl</c> (the state dict, with storages by
/// persistent id) and <c>&lt;name&gt;/data/&lt;key&gt;</c> (each storage's raw little-endian bytes).</summary>
internal static class TorchZipFormat
{
    public static CheckpointFile Open(string path)
    {
        var archive = ZipFile.OpenRead(path);
        try
        {
            var pickle = archive.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
                                                             && e.FullName.Count(c => c == '/') == 1)
                ?? throw new InvalidDataException($"{path} is a zip file but not a PyTorch checkpoint (no <name>/data.pkl entry)");
            var prefix = pickle.FullName[..^"data.pkl".Length];
            if (archive.GetEntry(prefix + "byteorder") is { } byteOrder)
            {
                using var reader = new StreamReader(byteOrder.Open());
                var order = reader.ReadToEnd().Trim();
                if (order != "little") throw new InvalidDataException($"{path}: storages are {order}-endian; only little-endian is supported");
            }

            var source = $"{path}!{pickle.FullName}";
            object? root;
            using (var stream = pickle.Open())
            {
                root = new PickleReader(stream, source)
                {
                    PersistentLoad = pid => TorchPickle.PersistentStorage(pid, source),
                    Reduce = (callable, args) => TorchPickle.Reduce(callable, args, source),
                }.Load();
            }
            var tensors = TorchPickle.FindStateDict(root, source);
            return new CheckpointFile(path, CheckpointFormat.TorchZip, tensors, new ZipStorageSource(path, archive, prefix));
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }
}
