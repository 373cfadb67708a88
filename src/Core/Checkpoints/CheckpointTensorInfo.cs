using static TorchSharp.torch;

namespace Spgd.Core.Checkpoints;

/// <summary>A tensor's name, shape and stored element type, known without reading its data.</summary>
/// <param name="Key">The state-dict key, e.g. <c>input_blocks.0.0.weight</c>.</param>
/// <param name="Shape">The tensor's shape.</param>
/// <param name="StoredType">Element type in the file (floating types are read as float32).</param>
public sealed record CheckpointTensorInfo(string Key, long[] Shape, ScalarType StoredType)
{
    /// <summary>Number of elements.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The shape as <c>128x32</c>, the notation of the fixtures' shape lists.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Formats a shape as <c>AxBxC</c> (<c>scalar</c> for rank 0).</summary>
    public static string FormatShape(IEnumerable<long> shape) =>
        shape.Any() ? string.Join("x", shape) : "scalar";
}
