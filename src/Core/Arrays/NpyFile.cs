using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Spgd.Core.Arrays;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format 1.0–3.0, C order; float16/32/64, signed and
/// unsigned integers, bool). Hand-written because no served .NET package reads .npy without Python.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a <c>.npy</c> file, converting its elements to float32.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a supported .npy array; the message says why.</exception>
    public static NpyArray Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Parses the bytes of a <c>.npy</c> file.</summary>
    public static NpyArray Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic)) throw new InvalidDataException("not a .npy file (bad magic)");
        int major = bytes[6];
        int headerLength, offset;
        switch (major)
        {
            case 1: headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]); offset = 10; break;
            case 2 or 3:
                if (bytes.Length < 12) throw new InvalidDataException("truncated .npy header");
                headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..])); offset = 12; break;
            default: throw new InvalidDataException($"unsupported .npy format version {major}");
        }
        if (offset + headerLength > bytes.Length) throw new InvalidDataException("truncated .npy header");
        var header = Encoding.UTF8.GetString(bytes.Slice(offset, headerLength));
        var descr = DescrRegex().Match(header);
        var fortran = FortranRegex().Match(header);
        var shapeMatch = ShapeRegex().Match(header);
        if (!descr.Success || !shapeMatch.Success) throw new InvalidDataException("malformed .npy header: " + header.Trim());
        if (fortran.Success && fortran.Groups[1].Value == "True") throw new InvalidDataException("Fortran-ordered arrays are not supported; save with C order");

        var shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        long count = shape.Aggregate(1L, (a, b) => checked(a * b));
        var (kind, size, bigEndian) = ParseDescr(descr.Groups[1].Value);
        var body = bytes[(offset + headerLength)..];
        if (body.Length < count * size)
            throw new InvalidDataException($"truncated data: shape ({string.Join(", ", shape)}) needs {count * size} bytes, file has {body.Length}");

        var data = new float[count];
        for (long i = 0; i < count; i++)
        {
            var e = body.Slice(checked((int)(i * size)), size);
            data[i] = Convert(kind, size, bigEndian, e);
        }
        return new NpyArray(shape, data);
    }

    /// <summary>Writes a float32 little-endian, C-order <c>.npy</c> file (format 1.0).</summary>
    public static void Write(string path, NpyArray array)
    {
        if (array.Data.LongLength != array.Count) throw new ArgumentException($"data has {array.Data.LongLength} elements, shape needs {array.Count}");
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        using var stream = File.Create(path);
        WriteTo(stream, array);
    }

    /// <summary>Writes a float32 <c>.npy</c> to a stream.</summary>
    public static void WriteTo(Stream stream, NpyArray array)
    {
        string shape = array.Shape.Length == 1 ? $"({array.Shape[0]},)" : "(" + string.Join(", ", array.Shape) + ")";
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}";
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        var header = dict + new string(' ', pad) + "\n";
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(Encoding.ASCII.GetBytes(header));
        var bytes = new byte[array.Data.Length * 4];
        for (int i = 0; i < array.Data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), array.Data[i]);
        stream.Write(bytes);
    }

    private static (char Kind, int Size, bool BigEndian) ParseDescr(string descr)
    {
        if (descr.Length < 2) throw new InvalidDataException($"unsupported dtype '{descr}'");
        char order = descr[0];
        string rest = order is '<' or '>' or '|' or '=' ? descr[1..] : descr;
        char kind = rest[0];
        if (!int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out int size))
            throw new InvalidDataException($"unsupported dtype '{descr}'");
        bool supported = kind switch
        {
            'f' => size is 2 or 4 or 8,
            'i' or 'u' => size is 1 or 2 or 4 or 8,
            'b' => size == 1,
            _ => false,
        };
        if (!supported) throw new InvalidDataException($"unsupported dtype '{descr}' (float16/32/64, integers and bool are)");
        return (kind, size, order == '>');
    }

    private static float Convert(char kind, int size, bool bigEndian, ReadOnlySpan<byte> e)
    {
        Span<byte> b = stackalloc byte[size];
        e.CopyTo(b);
        if (bigEndian) b.Reverse();
        return (kind, size) switch
        {
            ('f', 2) => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
            ('f', 4) => BinaryPrimitives.ReadSingleLittleEndian(b),
            ('f', 8) => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
            ('i', 1) => (sbyte)b[0],
            ('i', 2) => BinaryPrimitives.ReadInt16LittleEndian(b),
            ('i', 4) => BinaryPrimitives.ReadInt32LittleEndian(b),
            ('i', 8) => BinaryPrimitives.ReadInt64LittleEndian(b),
            ('u', 1) or ('b', 1) => b[0],
            ('u', 2) => BinaryPrimitives.ReadUInt16LittleEndian(b),
            ('u', 4) => BinaryPrimitives.ReadUInt32LittleEndian(b),
            ('u', 8) => BinaryPrimitives.ReadUInt64LittleEndian(b),
            _ => throw new InvalidDataException("unsupported dtype"),
        };
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")] private static partial Regex DescrRegex();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")] private static partial Regex FortranRegex();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex ShapeRegex();
}
