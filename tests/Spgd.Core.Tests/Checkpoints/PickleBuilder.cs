using System.Text;

namespace Spgd.Core.Tests.Checkpoints;

/// <summary>Writes pickle opcodes by hand, to build small torch.save-like files without Python.</summary>
internal sealed class PickleBuilder
{
    private readonly MemoryStream _bytes = new();

    public PickleBuilder() => Op(0x80, 2);                                    // PROTO 2

    public PickleBuilder Op(params byte[] bytes) { _bytes.Write(bytes); return this; }
    public PickleBuilder Mark() => Op((byte)'(');
    public PickleBuilder EmptyDict() => Op((byte)'}');
    public PickleBuilder EmptyTuple() => Op((byte)')');
    public PickleBuilder Tuple() => Op((byte)'t');
    public PickleBuilder SetItems() => Op((byte)'u');
    public PickleBuilder Reduce() => Op((byte)'R');
    public PickleBuilder BinPersId() => Op((byte)'Q');
    public PickleBuilder False() => Op(0x89);
    public PickleBuilder Int(byte value) => Op((byte)'K', value);

    public PickleBuilder Str(string s)
    {
        var utf8 = Encoding.UTF8.GetBytes(s);
        Op((byte)'X').Op(BitConverter.GetBytes(utf8.Length));
        return Op(utf8);
    }

    public PickleBuilder Global(string module, string name) => Op((byte)'c').Op(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    public PickleBuilder Ints(params byte[] values)
    {
        Mark();
        foreach (var v in values) Int(v);
        return Tuple();
    }

    /// <summary>A <c>_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())</c> call.</summary>
    public PickleBuilder Tensor(string storageKey, string storageType, byte numel, byte offset, byte[] size, byte[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Mark();
        Mark().Str("storage").Global("torch", storageType).Str(storageKey).Str("cpu").Int(numel).Tuple().BinPersId();
        Int(offset).Ints(size).Ints(stride).False().Global("collections", "OrderedDict").EmptyTuple().Reduce();
        return Tuple().Reduce();
    }

    public byte[] Stop() { Op((byte)'.'); return _bytes.ToArray(); }
}
