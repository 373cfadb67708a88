using System.Numerics;
using static TorchSharp.torch;

namespace Spgd.Core.Checkpoints;

/// <summary>A torch storage named by a pickle's persistent id: its key in the file, element type and length.
/// <paramref name="ElementOffset"/> is non-zero only for the legacy format's storage views.</summary>
internal sealed record StorageRef(string Key, ScalarType DType, long Numel, long ElementOffset = 0);

/// <summary>A tensor as <c>_rebuild_tensor_v2</c> describes it: a strided view of a storage.</summary>
internal sealed record TensorRecord(StorageRef Storage, long Offset, long[] Size, long[] Stride)
{
    public long ElementCount => Size.Aggregate(1L, (a, b) => a * b);

    public static long[] ContiguousStrides(long[] size)
    {
        var stride = new long[size.Length];
        long s = 1;
        for (int i = size.Length - 1; i >= 0; i--) { stride[i] = s; s *= Math.Max(size[i], 1); }
        return stride;
    }
}

/// <summary>What torch.save's pickles mean: storage persistent ids, tensor rebuild calls, and where the state dict sits.</summary>
internal static class TorchPickle
{
    /// <summary>Magic number that opens a legacy (non-zip) torch.save file.</summary>
    public static readonly BigInteger LegacyMagic = BigInteger.Parse("119547037146038801333356");

    private static readonly Dictionary<string, ScalarType> StorageTypes = new()
    {
        ["FloatStorage"] = ScalarType.Float32,
        ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16,
        ["DoubleStorage"] = ScalarType.Float64,
        ["LongStorage"] = ScalarType.Int64,
        ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16,
        ["CharStorage"] = ScalarType.Int8,
        ["ByteStorage"] = ScalarType.Byte,
        ["BoolStorage"] = ScalarType.Bool,
    };

    /// <summary>Bytes per element of the storage types above.</summary>
    public static int ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new NotSupportedException($"element type {type} is not supported in checkpoints"),
    };

    /// <summary>Turns <c>('storage', torch.XStorage, key, location, numel[, view_metadata])</c> into a <see cref="StorageRef"/>.</summary>
    public static StorageRef PersistentStorage(object? pid, string source)
    {
        if (pid is not object?[] { Length: >= 5 } t || t[0] is not "storage")
            throw new InvalidDataException($"{source}: unexpected persistent id {Describe(pid)} (expected a torch storage)");
        if (t[1] is not PickleGlobal type || !StorageTypes.TryGetValue(type.Name, out var dtype))
            throw new InvalidDataException($"{source}: unsupported storage type {Describe(t[1])}; supported: {string.Join(", ", StorageTypes.Keys)}");
        var key = t[2] switch
        {
            string s => s,
            long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
            var other => throw new InvalidDataException($"{source}: storage key {Describe(other)} is not a string"),
        };
        long numel = ToLong(t[4], source, "storage size");
        // Legacy files may name a view (view_key, offset, size) of a bigger root storage.
        if (t.Length >= 6 && t[5] is object?[] { Length: 3 } view)
            return new StorageRef(key, dtype, numel, ToLong(view[1], source, "storage view offset"));
        return new StorageRef(key, dtype, numel);
    }

    /// <summary>Evaluates the tensor-building calls of a state dict; anything else stays a <see cref="PickleCall"/>.</summary>
    public static object? Reduce(PickleGlobal callable, object?[] args, string source)
    {
        switch (callable.FullName)
        {
            case "torch._utils._rebuild_tensor_v2" or "torch._utils._rebuild_tensor" when args.Length >= 4:
                if (args[0] is not StorageRef storage)
                    throw new InvalidDataException($"{source}: {callable} got {Describe(args[0])} instead of a storage");
                return new TensorRecord(storage, ToLong(args[1], source, "storage offset") + storage.ElementOffset,
                    ToLongs(args[2], source, "size"), ToLongs(args[3], source, "stride"));
            case "torch._utils._rebuild_parameter" or "torch._utils._rebuild_parameter_with_state" when args.Length >= 1:
                return args[0];
            default:
                return null;
        }
    }

    /// <summary>Finds the name → tensor mapping in an unpickled checkpoint: the top-level dict, or one wrapped
    /// under <c>state_dict</c>/<c>model</c>/…; strips a <c>module.</c> prefix that DataParallel adds to every key.</summary>
    public static List<KeyValuePair<string, TensorRecord>> FindStateDict(object? root, string source)
    {
        if (root is not OrderedDictionary<object, object?> dict)
            throw new InvalidDataException($"{source}: the checkpoint holds a {Describe(root)}, not a state dict");
        var tensors = TensorsOf(dict);
        if (tensors.Count == 0)
        {
            foreach (var wrapper in new[] { "state_dict", "model", "model_state_dict", "ema", "module", "net" })
            {
                if (dict.TryGetValue(wrapper, out var inner) && inner is OrderedDictionary<object, object?> innerDict
                    && TensorsOf(innerDict) is { Count: > 0 } wrapped)
                {
                    tensors = wrapped;
                    break;
                }
            }
        }
        if (tensors.Count == 0)
            throw new InvalidDataException($"{source}: no tensors found in the checkpoint; top-level keys: " +
                string.Join(", ", dict.Keys.Take(20).Select(k => k.ToString())));
        if (tensors.All(kv => kv.Key.StartsWith("module.", StringComparison.Ordinal)))
            tensors = tensors.Select(kv => KeyValuePair.Create(kv.Key["module.".Length..], kv.Value)).ToList();
        return tensors;
    }

    private static List<KeyValuePair<string, TensorRecord>> TensorsOf(OrderedDictionary<object, object?> dict) =>
        dict.Where(kv => kv.Key is string && kv.Value is TensorRecord)
            .Select(kv => KeyValuePair.Create((string)kv.Key, (TensorRecord)kv.Value!)).ToList();

    private static long ToLong(object? value, string source, string what) => value switch
    {
        long l => l,
        BigInteger b when b >= long.MinValue && b <= long.MaxValue => (long)b,
        _ => throw new InvalidDataException($"{source}: tensor {what} is {Describe(value)}, not an integer"),
    };

    private static long[] ToLongs(object? value, string source, string what) => value switch
    {
        object?[] tuple => tuple.Select(v => ToLong(v, source, what)).ToArray(),
        List<object?> list => list.Select(v => ToLong(v, source, what)).ToArray(),
        _ => throw new InvalidDataException($"{source}: tensor {what} is {Describe(value)}, not a tuple"),
    };

    internal static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"'{s}'",
        object?[] t => "(" + string.Join(", ", t.Select(Describe)) + ")",
        _ => value.ToString() ?? value.GetType().Name,
    };
}
