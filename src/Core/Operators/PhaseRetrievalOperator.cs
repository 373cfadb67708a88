using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Spgd.Core.Operators;

/// <summary>
/// Fourier phase retrieval as the reference: x ∈ [−1, 1] → [0, 1], zero-padding by floor(oversample/8·size) on
/// each side, then the magnitude of the centred orthonormal 2-D FFT (ifftshift, fft2 "ortho", fftshift).
/// </summary>
public sealed class PhaseRetrievalOperator : ForwardOperator
{
    /// <summary>Creates the operator for height×width images.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or non-finite oversampling, or non-positive sizes.</exception>
    public PhaseRetrievalOperator(int height, int width, double oversample)
    {
        if (!(oversample >= 0 && double.IsFinite(oversample))) throw new ArgumentOutOfRangeException(nameof(oversample), oversample, "oversample must be finite and >= 0");
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), $"image size must be positive, got {height}×{width}");
        Oversample = oversample;
        Height = height;
        Width = width;
        PadHeight = (int)(oversample / 8.0 * height);
        PadWidth = (int)(oversample / 8.0 * width);
    }

    /// <inheritdoc/>
    public override string Task => TaskNames.PhaseRetrieval;

    /// <summary>Oversampling ratio.</summary>
    public double Oversample { get; }

    /// <summary>Input height the padding was sized for.</summary>
    public int Height { get; }

    /// <summary>Input width the padding was sized for.</summary>
    public int Width { get; }

    /// <summary>Zero rows added above and below.</summary>
    public int PadHeight { get; }

    /// <summary>Zero columns added left and right.</summary>
    public int PadWidth { get; }

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x)
    {
        if (x.dim() != 4 || x.shape[2] != Height || x.shape[3] != Width)
            throw new ArgumentException($"{Task}: operator built for [N, C, {Height}, {Width}] inputs, got [{string.Join(", ", x.shape)}]", nameof(x));
        using var scope = NewDisposeScope();
        var unit = x * 0.5 + 0.5;
        var padded = F.pad(unit, [PadWidth, PadWidth, PadHeight, PadHeight]);
        long[] dims = [-2, -1];
        var spectrum = fft.fftshift(fft.fft2(fft.ifftshift(padded, dims), norm: FFTNormType.Ortho), dims);
        return scope.MoveToOuter(spectrum.abs());
    }
}
