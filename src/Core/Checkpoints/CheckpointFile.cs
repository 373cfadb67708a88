using static TorchSharp.torch;

namespace Spgd.Core.Checkpoints;

/// <summary>
/// An opened checkpoint: names, shapes and types of its tensors are known up front, and each tensor's data is read
/// only when asked for, one storage at a time, so a multi-gigabyte checkpoint can be copied into a model without a
/// second full copy in memory. Not thread-safe: read from one thread at a time. Dispose to close the file.
/// </summary>
public sealed class CheckpointFile : IDisposable
{
    private readonly Dictionary<string, TensorRecord> _records;
    private readonly StorageSource _source;

    internal CheckpointFile(string path, CheckpointFormat format, IReadOnlyList<KeyValuePair<string, TensorRecord>> records, StorageSource source)
    {
        Path = path;
        Format = format;
        _source = source;
        _records = new Dictionary<string, TensorRecord>(StringComparer.Ordinal);
        var infos = new List<CheckpointTensorInfo>(records.Count);
        foreach (var (key, record) in records)
        {
            if (!_records.TryAdd(key, record)) throw new InvalidDataException($"{path}: key '{key}' appears twice");
            CheckBounds(key, record);
            infos.Add(new CheckpointTensorInfo(key, record.Size, record.Storage.DType));
        }
        Tensors = infos;
    }

    /// <summary>The file this was opened from.</summary>
    public string Path { get; }

    /// <summary>The file's layout.</summary>
    public CheckpointFormat Format { get; }

    /// <summary>Every tensor of the state dict, in file order.</summary>
    public IReadOnlyList<CheckpointTensorInfo> Tensors { get; }

    /// <summary>Whether the state dict has <paramref name="key"/>.</summary>
    public bool Contains(string key) => _records.ContainsKey(key);

    /// <summary>
    /// Reads one tensor into a new CPU tensor that the caller owns: floating types (float16, bfloat16, float64) as
    /// float32, integer and bool tensors in their own type.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The state dict has no such key.</exception>
    public Tensor Read(string key)
    {
        if (!_records.TryGetValue(key, out var record))
            throw new KeyNotFoundException($"{Path}: no tensor named '{key}' in the checkpoint");
        using var scope = NewDisposeScope();
        var storage = _source.Read(record.Storage);
        var view = storage.as_strided(record.Size, record.Stride, record.Offset);
        Tensor result;
        if (is_floating_point(record.Storage.DType) && record.Storage.DType != ScalarType.Float32)
            result = view.to(ScalarType.Float32);            // conversion makes a compact copy
        else if (record.ElementCount == record.Storage.Numel && view.is_contiguous())
            result = view;                                    // the view is the whole storage: no copy needed
        else
            result = view.contiguous().clone();               // do not keep a shared storage alive for a slice of it
        return scope.MoveToOuter(result);
    }

    /// <summary>Reads every tensor (see <see cref="Read"/>); the caller owns the returned tensors.</summary>
    public Dictionary<string, Tensor> ReadAll()
    {
        var all = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var info in Tensors) all[info.Key] = Read(info.Key);
        }
        catch
        {
            foreach (var t in all.Values) t.Dispose();
            throw;
        }
        return all;
    }

    /// <inheritdoc />
    public void Dispose() => _source.Dispose();

    private void CheckBounds(string key, TensorRecord record)
    {
        if (record.Size.Length != record.Stride.Length)
            throw new InvalidDataException($"{Path}: tensor '{key}' has {record.Size.Length} sizes but {record.Stride.Length} strides");
        if (record.Size.Any(s => s < 0) || record.Offset < 0)
            throw new InvalidDataException($"{Path}: tensor '{key}' has a negative size or offset");
        if (record.ElementCount == 0) return;
        long last = record.Offset;
        for (int i = 0; i < record.Size.Length; i++) last += (record.Size[i] - 1) * record.Stride[i];
        if (last >= record.Storage.Numel)
            throw new InvalidDataException(
                $"{Path}: tensor '{key}' ({CheckpointTensorInfo.FormatShape(record.Size)}) reaches element {last} of storage '{record.Storage.Key}', which has {record.Storage.Numel}");
    }
}
