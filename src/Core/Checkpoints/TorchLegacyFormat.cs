using System.Buffers.Binary;
using System.Numerics;

namespace Spgd.Core.Checkpoints;

/// <summary>
/// Opens the legacy (pre-1.6, non-zip) layout of torch.save: pickles of the magic number, protocol version and
/// system info, the state-dict pickle, the pickled list of storage keys, then per key an 8-byte little-endian
/// element count followed by the storage's raw bytes. Only storage offsets are recorded here; data is read later.
/// </summary>
internal static class TorchLegacyFormat
{
    public static CheckpointFile Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            object? magic;
            try { magic = new PickleReader(stream, path).Load(); }
            catch (InvalidDataException e) { throw new InvalidDataException($"{path} is not a PyTorch checkpoint: {e.Message}", e); }
            if (magic is not BigInteger m || m != TorchPickle.LegacyMagic)
                throw new InvalidDataException($"{path} is a pickle but not a PyTorch checkpoint (no torch.save magic number)");
            var protocol = new PickleReader(stream, path).Load();
            if (protocol is not 1001L)
                throw new InvalidDataException($"{path}: unsupported legacy torch.save protocol version {TorchPickle.Describe(protocol)} (expected 1001)");
            if (new PickleReader(stream, path).Load() is OrderedDictionary<object, object?> sysInfo
                && sysInfo.TryGetValue("little_endian", out var little) && little is false)
                throw new InvalidDataException($"{path} was written on a big-endian machine; not supported");

            var storages = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
            var root = new PickleReader(stream, path)
            {
                PersistentLoad = pid =>
                {
                    var s = TorchPickle.PersistentStorage(pid, path);
                    storages.TryAdd(s.Key, s);
                    return s;
                },
                Reduce = (callable, args) => TorchPickle.Reduce(callable, args, path),
            }.Load();
            var tensors = TorchPickle.FindStateDict(root, path);

            if (new PickleReader(stream, path).Load() is not List<object?> keys)
                throw new InvalidDataException($"{path}: the storage key list after the state dict is missing");
            var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
            Span<byte> count = stackalloc byte[8];
            foreach (var k in keys)
            {
                var key = k as string ?? throw new InvalidDataException($"{path}: storage key {TorchPickle.Describe(k)} is not a string");
                if (!storages.TryGetValue(key, out var storage))
                    throw new InvalidDataException($"{path}: storage '{key}' is stored but no tensor refers to it, so its element size is unknown");
                if (stream.Read(count) != 8) throw new InvalidDataException($"{path}: file ends before storage '{key}'");
                long numel = BinaryPrimitives.ReadInt64LittleEndian(count);
                if (numel < storage.Numel)
                    throw new InvalidDataException($"{path}: storage '{key}' holds {numel} elements, its tensors need {storage.Numel}");
                offsets[key] = stream.Position;
                long end = stream.Position + numel * TorchPickle.ElementSize(storage.DType);
                if (end > stream.Length) throw new InvalidDataException($"{path}: storage '{key}' is truncated");
                stream.Seek(end, SeekOrigin.Begin);
            }
            return new CheckpointFile(path, CheckpointFormat.TorchLegacy, tensors, new FileStorageSource(path, stream, offsets));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }
}
