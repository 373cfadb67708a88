using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Checkpoints;

/// <summary>Reads one storage's raw bytes on demand, so that a checkpoint is never held in memory whole.</summary>
internal abstract class StorageSource : IDisposable
{
    protected StorageSource(string path) => Path = path;

    /// <summary>The checkpoint file, for error messages.</summary>
    public string Path { get; }

    /// <summary>A new 1-D CPU tensor of the storage's type holding all its <see cref="StorageRef.Numel"/> elements.</summary>
    public abstract Tensor Read(StorageRef storage);

    public abstract void Dispose();

    /// <summary>Copies exactly the storage's bytes from <paramref name="stream"/> straight into native tensor memory.</summary>
    protected Tensor ReadInto(Stream stream, StorageRef storage)
    {
        var tensor = torch.empty(storage.Numel, dtype: storage.DType);
        try
        {
            long bytes = storage.Numel * TorchPickle.ElementSize(storage.DType);
            if (bytes is > 0 and <= int.MaxValue) stream.ReadExactly(tensor.bytes);     // straight into native memory
            else if (bytes > 0) tensor.ReadBytesFromStream(stream, 1 << 20);         // a span cannot exceed 2 GB
            return tensor;
        }
        catch (EndOfStreamException)
        {
            tensor.Dispose();
            throw new InvalidDataException(
                $"{Path}: storage '{storage.Key}' is truncated (expected {storage.Numel} × {TorchPickle.ElementSize(storage.DType)} bytes)");
        }
    }
}
