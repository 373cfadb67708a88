using static TorchSharp.torch;

namespace Spgd.Core.Operators;

/// <summary>
/// Super-resolution's forward operator: down-sampling by an integer factor with the DPS/SPGD <c>Resizer</c>
/// (antialiased bicubic), applied as y = W_h · x · W_wᵀ per channel. Built for one input size.
/// </summary>
public sealed class SuperResolutionOperator : ForwardOperator
{
    private Tensor _rows;    // [outH, H]
    private Tensor _columns; // [W, outW] (already transposed)

    /// <summary>Creates the operator for height×width inputs and down-sampling factor <paramref name="factor"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">factor &lt; 1 or non-positive sizes.</exception>
    public SuperResolutionOperator(int height, int width, int factor)
    {
        if (factor < 1) throw new ArgumentOutOfRangeException(nameof(factor), factor, "super-resolution factor must be >= 1");
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), $"image size must be positive, got {height}×{width}");
        Height = height;
        Width = width;
        Factor = factor;
        using var scope = NewDisposeScope();
        _rows = ToTensor(ResizerWeights.Matrix(height, 1.0 / factor)).DetachFromDisposeScope();
        _columns = ToTensor(ResizerWeights.Matrix(width, 1.0 / factor)).t().contiguous().DetachFromDisposeScope();
    }

    /// <inheritdoc/>
    public override string Task => TaskNames.SuperResolution;

    /// <summary>Input height this operator was built for.</summary>
    public int Height { get; }

    /// <summary>Input width this operator was built for.</summary>
    public int Width { get; }

    /// <summary>Down-sampling factor.</summary>
    public int Factor { get; }

    /// <summary>Output height, ceil(H / factor).</summary>
    public int OutputHeight => (int)_rows.shape[0];

    /// <summary>Output width, ceil(W / factor).</summary>
    public int OutputWidth => (int)_columns.shape[1];

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x)
    {
        if (x.dim() != 4 || x.shape[2] != Height || x.shape[3] != Width)
            throw new ArgumentException($"{Task}: operator built for [N, C, {Height}, {Width}] inputs, got [{string.Join(", ", x.shape)}]", nameof(x));
        using var scope = NewDisposeScope();
        var rows = _rows.to(x.dtype, x.device);
        var columns = _columns.to(x.dtype, x.device);
        return scope.MoveToOuter(matmul(matmul(rows, x), columns));
    }

    /// <inheritdoc/>
    public override void To(Device device)
    {
        _rows = Move(_rows, device);
        _columns = Move(_columns, device);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        _rows.Dispose();
        _columns.Dispose();
    }

    private static Tensor Move(Tensor t, Device device)
    {
        var moved = t.to(device).DetachFromDisposeScope();
        if (!ReferenceEquals(moved, t)) t.Dispose();
        return moved;
    }

    private static Tensor ToTensor(double[,] m)
    {
        int rows = m.GetLength(0), cols = m.GetLength(1);
        var data = new float[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) data[i * cols + j] = (float)m[i, j];
        return tensor(data, [rows, cols], ScalarType.Float32);
    }
}
