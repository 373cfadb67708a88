using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Spgd.Core.Checkpoints;

/// <summary>A Python global (<c>module.name</c>) named by a GLOBAL or STACK_GLOBAL opcode.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => Module + "." + Name;
    public override string ToString() => FullName;
}

/// <summary>A call of a Python callable that the reader does not evaluate (REDUCE/NEWOBJ), kept as data;
/// <see cref="State"/> is what BUILD later gave it, if anything.</summary>
internal sealed class PickleCall(PickleGlobal callable, object?[] args)
{
    public PickleGlobal Callable { get; } = callable;
    public object?[] Args { get; } = args;
    public object? State { get; set; }
    public override string ToString() => $"{Callable}(…{Args.Length} args)";
}

/// <summary>
/// A minimal unpickler for what <c>torch.save</c> writes (protocols 0–5, as far as state dicts use them).
/// Values map to: <c>null</c>, <see cref="bool"/>, <see cref="long"/> (or <see cref="BigInteger"/>), <see cref="double"/>,
/// <see cref="string"/>, <c>byte[]</c>, <c>object?[]</c> (tuple), <see cref="List{T}"/> (list and set),
/// <see cref="OrderedDictionary{TKey,TValue}"/> (dict and collections.OrderedDict), <see cref="PickleGlobal"/> and
/// <see cref="PickleCall"/>. It never executes anything: calls go to <see cref="Reduce"/>, which the caller supplies
/// for the globals it understands (here: torch's tensor rebuild functions and storage types).
/// </summary>
internal sealed class PickleReader
{
    private static readonly object Mark = new();

    private readonly Stream _stream;
    private readonly string _source;
    private long _offset;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];

    /// <param name="stream">Positioned at the first opcode; left positioned just after STOP.</param>
    /// <param name="source">Names the file in error messages.</param>
    public PickleReader(Stream stream, string source)
    {
        _stream = stream;
        _source = source;
    }

    /// <summary>Resolves a persistent id (BINPERSID/PERSID); torch uses it for storages.</summary>
    public Func<object?, object?> PersistentLoad { get; init; } =
        pid => throw new InvalidDataException("pickle references external data (persistent id) but none is expected here");

    /// <summary>Evaluates a call of a global the caller understands; return <c>null</c> to keep it as a <see cref="PickleCall"/>.</summary>
    public Func<PickleGlobal, object?[], object?>? Reduce { get; init; }

    /// <summary>Reads one pickle up to its STOP opcode and returns the value it builds.</summary>
    public object? Load()
    {
        while (true)
        {
            long at = _offset;
            int op = ReadByte();
            switch (op)
            {
                case 0x80: ReadByte(); break;                       // PROTO
                case 0x95: ReadBytes(8); break;                     // FRAME: framing is irrelevant to a stream reader
                case '.': return PopValue(at, op);                  // STOP
                case '(': _marks.Push(_stack.Count); break;         // MARK
                case '0': PopValue(at, op); break;                  // POP
                case '1': PopMark(at, op); break;                   // POP_MARK
                case '2': Push(Peek(at, op)); break;                // DUP

                case 'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case 'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;
                case 'K': Push((long)ReadByte()); break;
                case 'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break;
                case 0x8a: Push(DecodeLong(ReadBytes(ReadByte()))); break;
                case 0x8b: Push(DecodeLong(ReadBytes(ReadLength4(at, op)))); break;
                case 'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break;
                case 'I': Push(ParseTextInt(ReadLine())); break;
                case 'L': Push(ParseTextInt(ReadLine().TrimEnd('L'))); break;
                case 'F': Push(double.Parse(ReadLine(), CultureInfo.InvariantCulture)); break;

                case 'X': Push(Encoding.UTF8.GetString(ReadBytes(ReadLength4(at, op)))); break;
                case 0x8c: Push(Encoding.UTF8.GetString(ReadBytes(ReadByte()))); break;
                case 0x8d: Push(Encoding.UTF8.GetString(ReadBytes(ReadLength8(at, op)))); break;
                case 'V': Push(ReadLine()); break;                  // raw-unicode-escape; state dicts only hold ASCII here
                case 'T': Push(Encoding.Latin1.GetString(ReadBytes(ReadLength4(at, op)))); break;
                case 'U': Push(Encoding.Latin1.GetString(ReadBytes(ReadByte()))); break;
                case 'S': Push(ParseQuoted(ReadLine())); break;
                case 'B': Push(ReadBytes(ReadLength4(at, op))); break;
                case 'C': Push(ReadBytes(ReadByte())); break;
                case 0x8e: Push(ReadBytes(ReadLength8(at, op))); break;
                case 0x96: Push(ReadBytes(ReadLength8(at, op))); break; // BYTEARRAY8

                case ')': Push(Array.Empty<object?>()); break;
                case 't': Push(PopMark(at, op).ToArray()); break;
                case 0x85: { var a = PopValue(at, op); Push(new[] { a }); break; }
                case 0x86: { var b = PopValue(at, op); var a = PopValue(at, op); Push(new[] { a, b }); break; }
                case 0x87: { var c = PopValue(at, op); var b = PopValue(at, op); var a = PopValue(at, op); Push(new[] { a, b, c }); break; }
                case ']': Push(new List<object?>()); break;
                case 'l': Push(PopMark(at, op)); break;
                case 'a': { var v = PopValue(at, op); As<List<object?>>(Peek(at, op), at, op).Add(v); break; }
                case 'e': { var items = PopMark(at, op); As<List<object?>>(Peek(at, op), at, op).AddRange(items); break; }
                case 0x8f: Push(new List<object?>()); break;        // EMPTY_SET: a list is enough for reading
                case 0x90: { var items = PopMark(at, op); As<List<object?>>(Peek(at, op), at, op).AddRange(items); break; }
                case 0x91: Push(PopMark(at, op)); break;            // FROZENSET
                case '}': Push(new OrderedDictionary<object, object?>()); break;
                case 'd': { var items = PopMark(at, op); var d = new OrderedDictionary<object, object?>(); SetItems(d, items, at, op); Push(d); break; }
                case 's': { var v = PopValue(at, op); var k = PopValue(at, op); SetItems(Dict(Peek(at, op), at, op), [k, v], at, op); break; }
                case 'u': { var items = PopMark(at, op); SetItems(Dict(Peek(at, op), at, op), items, at, op); break; }

                case 'q': _memo[ReadByte()] = Peek(at, op); break;
                case 'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek(at, op); break;
                case 'p': _memo[long.Parse(ReadLine(), CultureInfo.InvariantCulture)] = Peek(at, op); break;
                case 0x94: _memo[_memo.Count] = Peek(at, op); break;
                case 'h': Push(MemoGet(ReadByte(), at, op)); break;
                case 'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)), at, op)); break;
                case 'g': Push(MemoGet(long.Parse(ReadLine(), CultureInfo.InvariantCulture), at, op)); break;

                case 'c': { var module = ReadLine(); var name = ReadLine(); Push(new PickleGlobal(module, name)); break; }
                case 0x93:
                {
                    var name = As<string>(PopValue(at, op), at, op);
                    var module = As<string>(PopValue(at, op), at, op);
                    Push(new PickleGlobal(module, name));
                    break;
                }
                case 'R':
                case 0x81:                                          // NEWOBJ: cls.__new__(cls, *args), same shape as REDUCE
                {
                    var args = As<object?[]>(PopValue(at, op), at, op);
                    var callable = As<PickleGlobal>(PopValue(at, op), at, op);
                    Push(Call(callable, args));
                    break;
                }
                case 'b': { var state = PopValue(at, op); Build(Peek(at, op), state); break; }
                case 'Q': Push(PersistentLoad(PopValue(at, op))); break;
                case 'P': Push(PersistentLoad(ReadLine())); break;

                default:
                    throw Error(at, $"unsupported pickle opcode {OpcodeName(op)} (0x{op:x2})");
            }
        }
    }

    private object? Call(PickleGlobal callable, object?[] args)
    {
        switch (callable.FullName)
        {
            case "collections.OrderedDict" or "builtins.dict" or "__builtin__.dict" when args.Length == 0:
                return new OrderedDictionary<object, object?>();
            case "collections.OrderedDict" or "builtins.dict" or "__builtin__.dict" when args is [List<object?> pairs]:
            {
                // Protocol-2 pickles (older torch.save, e.g. LPIPS' v0.1 weights) build the dict from a list of [key, value] pairs.
                var dict = new OrderedDictionary<object, object?>();
                foreach (var pair in pairs)
                {
                    if (pair is not IList<object?> { Count: 2 } kv || kv[0] is null)
                        throw new InvalidDataException($"{_source}: {callable.FullName} built from a list whose items are not [key, value] pairs");
                    dict[kv[0]!] = kv[1];
                }
                return dict;
            }
            case "builtins.set" or "__builtin__.set" or "builtins.list" or "__builtin__.list" when args.Length == 0:
                return new List<object?>();
        }
        return Reduce?.Invoke(callable, args) ?? new PickleCall(callable, args);
    }

    private static void Build(object? target, object? state)
    {
        // OrderedDict's BUILD sets instance attributes such as torch's `_metadata` (module versions): not weights.
        if (target is PickleCall call) call.State = state;
    }

    private static void SetItems(OrderedDictionary<object, object?> dict, List<object?> items, long at, int op)
    {
        for (int i = 0; i + 1 < items.Count; i += 2)
            dict[items[i] ?? throw new InvalidDataException($"null dict key at offset {at}")] = items[i + 1];
    }

    private OrderedDictionary<object, object?> Dict(object? value, long at, int op) => As<OrderedDictionary<object, object?>>(value, at, op);

    private T As<T>(object? value, long at, int op) =>
        value is T t ? t : throw Error(at, $"opcode {OpcodeName(op)} expected a {typeof(T).Name}, found {value?.GetType().Name ?? "None"}");

    private void Push(object? value) => _stack.Add(value);

    private object? Peek(long at, int op)
    {
        if (_stack.Count == 0)
            throw Error(at, $"opcode {OpcodeName(op)} on an empty stack");
        return _stack[^1];
    }

    private object? PopValue(long at, int op)
    {
        int floor = _marks.Count > 0 ? _marks.Peek() : 0;
        if (_stack.Count <= floor) throw Error(at, $"opcode {OpcodeName(op)} on an empty stack");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private List<object?> PopMark(long at, int op)
    {
        if (_marks.Count == 0) throw Error(at, $"opcode {OpcodeName(op)} without a preceding MARK");
        int start = _marks.Pop();
        var items = _stack.GetRange(start, _stack.Count - start);
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    private object? MemoGet(long key, long at, int op) =>
        _memo.TryGetValue(key, out var v) ? v : throw Error(at, $"{OpcodeName(op)} of memo entry {key} that was never stored");

    private int ReadByte()
    {
        int b = _stream.ReadByte();
        if (b < 0) throw Error(_offset, "unexpected end of data inside a pickle");
        _offset++;
        return b;
    }

    private byte[] ReadBytes(int count)
    {
        var buffer = new byte[count];
        try { _stream.ReadExactly(buffer); }
        catch (EndOfStreamException) { throw Error(_offset, $"unexpected end of data inside a pickle (needed {count} more bytes)"); }
        _offset += count;
        return buffer;
    }

    private int ReadLength4(long at, int op)
    {
        uint n = BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));
        return n <= int.MaxValue ? (int)n : throw Error(at, $"{OpcodeName(op)} length {n} is too large");
    }

    private int ReadLength8(long at, int op)
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));
        return n <= int.MaxValue ? (int)n : throw Error(at, $"{OpcodeName(op)} length {n} is too large");
    }

    private string ReadLine()
    {
        var sb = new StringBuilder();
        for (int b = ReadByte(); b != '\n'; b = ReadByte()) sb.Append((char)b);
        return sb.ToString();
    }

    private static object DecodeLong(byte[] littleEndianTwosComplement)
    {
        if (littleEndianTwosComplement.Length == 0) return 0L;
        var value = new BigInteger(littleEndianTwosComplement, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    private static object ParseTextInt(string text) => text switch
    {
        "00" => false,
        "01" => true,
        _ => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)
            ? l
            : BigInteger.Parse(text, CultureInfo.InvariantCulture),
    };

    private static string ParseQuoted(string text) =>
        text.Length >= 2 && (text[0] == '\'' || text[0] == '"') ? text[1..^1] : text;

    private InvalidDataException Error(long offset, string message) =>
        new($"{_source}: {message} at byte offset {offset} of the pickle");

    /// <summary>The name Python's pickletools gives an opcode byte, for error messages.</summary>
    internal static string OpcodeName(int op) => op switch
    {
        '(' => "MARK", '.' => "STOP", '0' => "POP", '1' => "POP_MARK", '2' => "DUP", 'F' => "FLOAT", 'I' => "INT",
        'J' => "BININT", 'K' => "BININT1", 'L' => "LONG", 'M' => "BININT2", 'N' => "NONE", 'P' => "PERSID",
        'Q' => "BINPERSID", 'R' => "REDUCE", 'S' => "STRING", 'T' => "BINSTRING", 'U' => "SHORT_BINSTRING",
        'V' => "UNICODE", 'X' => "BINUNICODE", 'a' => "APPEND", 'b' => "BUILD", 'c' => "GLOBAL", 'd' => "DICT",
        '}' => "EMPTY_DICT", 'e' => "APPENDS", 'g' => "GET", 'h' => "BINGET", 'i' => "INST", 'j' => "LONG_BINGET",
        'l' => "LIST", ']' => "EMPTY_LIST", 'o' => "OBJ", 'p' => "PUT", 'q' => "BINPUT", 'r' => "LONG_BINPUT",
        's' => "SETITEM", 't' => "TUPLE", ')' => "EMPTY_TUPLE", 'u' => "SETITEMS", 'G' => "BINFLOAT",
        'B' => "BINBYTES", 'C' => "SHORT_BINBYTES",
        0x80 => "PROTO", 0x81 => "NEWOBJ", 0x82 => "EXT1", 0x83 => "EXT2", 0x84 => "EXT4", 0x85 => "TUPLE1",
        0x86 => "TUPLE2", 0x87 => "TUPLE3", 0x88 => "NEWTRUE", 0x89 => "NEWFALSE", 0x8a => "LONG1", 0x8b => "LONG4",
        0x8c => "SHORT_BINUNICODE", 0x8d => "BINUNICODE8", 0x8e => "BINBYTES8", 0x8f => "EMPTY_SET",
        0x90 => "ADDITEMS", 0x91 => "FROZENSET", 0x92 => "NEWOBJ_EX", 0x93 => "STACK_GLOBAL", 0x94 => "MEMOIZE",
        0x95 => "FRAME", 0x96 => "BYTEARRAY8", 0x97 => "NEXT_BUFFER", 0x98 => "READONLY_BUFFER",
        _ => "<not a pickle opcode>",
    };
}
