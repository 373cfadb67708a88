using System.Buffers.Binary;
using System.Text;

namespace Spgd.Core.Runtime;

/// <summary>
/// Reads and edits the version-needs table (<c>.gnu.version_r</c>) of a little-endian ELF64 shared object.
/// Written by hand because no served package edits ELF symbol-version flags.
/// </summary>
public static class ElfVersionNeeds
{
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>VER_FLG_WEAK: the loader only warns when a weak version is missing.</summary>
    public const ushort VerFlagWeak = 0x2;

    /// <summary>One Vernaux entry: a version the object needs from a library.</summary>
    /// <param name="Library">The needed library's file name, e.g. <c>libstdc++.so.6</c>.</param>
    /// <param name="Version">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
    /// <param name="Flags">The entry's flags (<see cref="VerFlagWeak"/> among them).</param>
    /// <param name="FlagsOffset">The byte offset of the flags field in the file.</param>
    public sealed record Need(string Library, string Version, ushort Flags, long FlagsOffset);

    /// <summary>Lists every version need of the ELF image in <paramref name="image"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a little-endian ELF64 object.</exception>
    public static IReadOnlyList<Need> Read(ReadOnlySpan<byte> image)
    {
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (image[4] != 2 || image[5] != 1)
            throw new InvalidDataException("only little-endian ELF64 is supported");

        long shoff = (long)U64(image, 0x28);
        int shentsize = U16(image, 0x3A);
        int shnum = U16(image, 0x3C);
        var needs = new List<Need>();
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (U32(image, sh + 4) != ShtGnuVerneed) continue;
            long tableOffset = (long)U64(image, sh + 0x18);
            long strtab = (long)U64(image, shoff + (long)U32(image, sh + 0x28) * shentsize + 0x18);

            long vn = tableOffset;
            while (true)
            {
                int count = U16(image, vn + 2);
                string library = CString(image, strtab + U32(image, vn + 4));
                long aux = vn + U32(image, vn + 8);
                for (int k = 0; k < count; k++)
                {
                    needs.Add(new Need(library, CString(image, strtab + U32(image, aux + 8)), U16(image, aux + 4), aux + 4));
                    uint nextAux = U32(image, aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = U32(image, vn + 12);
                if (next == 0) break;
                vn += next;
            }
        }
        return needs;
    }

    /// <summary>Sets VER_FLG_WEAK on every need of <paramref name="version"/>; returns how many entries changed.</summary>
    public static int MarkWeak(Span<byte> image, string version)
    {
        int changed = 0;
        foreach (var need in Read(image))
        {
            if (need.Version != version || (need.Flags & VerFlagWeak) != 0) continue;
            BinaryPrimitives.WriteUInt16LittleEndian(image[(int)need.FlagsOffset..], (ushort)(need.Flags | VerFlagWeak));
            changed++;
        }
        return changed;
    }

    private static ushort U16(ReadOnlySpan<byte> b, long at) => BinaryPrimitives.ReadUInt16LittleEndian(b[checked((int)at)..]);
    private static uint U32(ReadOnlySpan<byte> b, long at) => BinaryPrimitives.ReadUInt32LittleEndian(b[checked((int)at)..]);
    private static ulong U64(ReadOnlySpan<byte> b, long at) => BinaryPrimitives.ReadUInt64LittleEndian(b[checked((int)at)..]);

    private static string CString(ReadOnlySpan<byte> b, long at)
    {
        var rest = b[checked((int)at)..];
        int end = rest.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? rest : rest[..end]);
    }
}
