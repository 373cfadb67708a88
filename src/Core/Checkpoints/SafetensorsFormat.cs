using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace Spgd.Core.Checkpoints;

/// <summary>Reads and writes safetensors: an 8-byte little-endian header length, a JSON header
/// <c>{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}</c>, then raw data.</summary>
internal static class SafetensorsFormat
{
    private static readonly Dictionary<string, ScalarType> Types = new()
    {
        ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16, ["BF16"] = ScalarType.BFloat16,
        ["F64"] = ScalarType.Float64, ["I64"] = ScalarType.Int64, ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16, ["I8"] = ScalarType.Int8, ["U8"] = ScalarType.Byte, ["BOOL"] = ScalarType.Bool,
    };

    /// <summary>Whether the first bytes look like a safetensors header (plausible length, then a JSON object).</summary>
    public static bool Sniff(ReadOnlySpan<byte> head, long fileLength) =>
        head.Length >= 9 && BinaryPrimitives.ReadUInt64LittleEndian(head) is var n && n >= 2 && (long)n <= fileLength - 8 && head[8] == (byte)'{';

    public static CheckpointFile Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            Span<byte> lengthBytes = stackalloc byte[8];
            stream.ReadExactly(lengthBytes);
            long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > 100_000_000 || headerLength > stream.Length - 8)
                throw new InvalidDataException($"{path}: safetensors header length {headerLength} is implausible");
            var header = new byte[headerLength];
            stream.ReadExactly(header);
            long dataStart = 8 + headerLength, dataLength = stream.Length - dataStart;

            var tensors = new List<KeyValuePair<string, TensorRecord>>();
            var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
            using var json = ParseHeader(path, header);
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__") continue;
                var (dtype, shape, begin, end) = ReadEntry(path, property);
                var storage = new StorageRef(property.Name, dtype, shape.Aggregate(1L, (a, b) => a * b));
                long bytes = storage.Numel * TorchPickle.ElementSize(dtype);
                if (end - begin != bytes || begin < 0 || end > dataLength)
                    throw new InvalidDataException(
                        $"{path}: tensor '{property.Name}' ({dtype} {CheckpointTensorInfo.FormatShape(shape)}) has data_offsets [{begin}, {end}], needs {bytes} bytes within {dataLength}");
                offsets[property.Name] = dataStart + begin;
                tensors.Add(KeyValuePair.Create(property.Name, new TensorRecord(storage, 0, shape, TensorRecord.ContiguousStrides(shape))));
            }
            return new CheckpointFile(path, CheckpointFormat.Safetensors, tensors, new FileStorageSource(path, stream, offsets));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Writes tensors (contiguous copies, any supported dtype) as a safetensors file.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var header = new Dictionary<string, object>();
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (key, tensor) in tensors)
        {
            using var cpu = tensor.detach().cpu().contiguous();
            var dtypeName = Types.FirstOrDefault(kv => kv.Value == cpu.dtype).Key
                ?? throw new NotSupportedException($"tensor '{key}' has type {cpu.dtype}, which safetensors writing does not support");
            var bytes = cpu.numel() == 0 ? [] : cpu.bytes.ToArray();
            header[key] = new { dtype = dtypeName, shape = cpu.shape, data_offsets = new[] { offset, offset + bytes.Length } };
            blobs.Add(bytes);
            offset += bytes.Length;
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(header);
        int padded = (json.Length + 7) / 8 * 8;  // keeps the data 8-byte aligned, as the reference writer does
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        file.Write(length);
        file.Write(json);
        for (int i = json.Length; i < padded; i++) file.WriteByte((byte)' ');
        foreach (var blob in blobs) file.Write(blob);
    }

    private static JsonDocument ParseHeader(string path, byte[] header)
    {
        try { return JsonDocument.Parse(header); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: safetensors header is not valid JSON: {e.Message}", e); }
    }

    private static (ScalarType, long[], long, long) ReadEntry(string path, JsonProperty property)
    {
        try
        {
            var e = property.Value;
            var dtypeName = e.GetProperty("dtype").GetString() ?? "";
            if (!Types.TryGetValue(dtypeName, out var dtype))
                throw new InvalidDataException($"{path}: tensor '{property.Name}' has unsupported dtype '{dtypeName}'");
            var shape = e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var range = e.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (range.Length != 2) throw new InvalidDataException($"{path}: tensor '{property.Name}' needs two data_offsets");
            return (dtype, shape, range[0], range[1]);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: malformed safetensors entry '{property.Name}': {ex.Message}", ex);
        }
    }
}
