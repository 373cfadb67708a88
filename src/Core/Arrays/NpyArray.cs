using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Arrays;

/// <summary>An n-dimensional array read from or written to a NumPy <c>.npy</c> file, held as float32 in C order.</summary>
/// <param name="Shape">The array's shape.</param>
/// <param name="Data">The elements in C (row-major) order, converted to float32.</param>
public sealed record NpyArray(long[] Shape, float[] Data)
{
    /// <summary>Number of elements implied by <see cref="Shape"/>.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Copies the array into a new float32 CPU tensor of the same shape.</summary>
    public Tensor ToTensor() => torch.tensor(Data, Shape, dtype: ScalarType.Float32);

    /// <summary>Copies a tensor (any device, any floating or integer dtype) into a float32 array.</summary>
    public static NpyArray FromTensor(Tensor t)
    {
        using var scope = NewDisposeScope();
        var cpu = t.detach().to(ScalarType.Float32).cpu().contiguous();
        return new NpyArray(cpu.shape.ToArray(), cpu.data<float>().ToArray());
    }
}
