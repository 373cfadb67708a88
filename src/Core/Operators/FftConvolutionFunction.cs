using Spgd.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Operators;

/// <summary>Where the valid part of a zero-padded circular convolution lies: FFT size and the kept window.</summary>
/// <param name="FftHeight">FFT rows (≥ the padded input's height).</param>
/// <param name="FftWidth">FFT columns (≥ the padded input's width).</param>
/// <param name="Offset">First kept row and column (K − 1: the circular wrap-around lands before it).</param>
/// <param name="Height">Kept rows.</param>
/// <param name="Width">Kept columns.</param>
internal sealed record FftConvolutionWindow(long FftHeight, long FftWidth, long Offset, long Height, long Width)
{
    /// <summary>The kept rows.</summary>
    public TensorIndex Rows => TensorIndex.Slice(Offset, Offset + Height);

    /// <summary>The kept columns.</summary>
    public TensorIndex Columns => TensorIndex.Slice(Offset, Offset + Width);
}

/// <summary>
/// Per-channel convolution of a padded image with a kernel through the FFT, as one autograd node whose backward is
/// the exact adjoint computed with the same number of transforms: place the output gradient in a zero frame, filter
/// by the conjugate spectrum (a correlation), keep the input's extent.
/// </summary>
/// <remarks>
/// libtorch's generic backward of <c>rfft2</c> rebuilds the full spectrum and runs a complex inverse FFT (twice the
/// work of a real transform) and that of slicing materialises a zero frame anyway; with this node the gradient pass
/// costs two real transforms like the forward. Gradients agree with autograd's to float32 round-off (tested).
/// </remarks>
internal sealed class FftConvolutionFunction : autograd.SingleTensorFunction<FftConvolutionFunction>
{
    private const string WindowKey = "window";
    private const string InputShapeKey = "input";

    public override string Name => nameof(FftConvolutionFunction);

    /// <summary>The valid convolution of <paramref name="padded"/> with the kernel whose (flipped) half spectrum is <paramref name="spectrum"/>.</summary>
    public static Tensor Convolve(Tensor padded, Tensor spectrum, FftConvolutionWindow w)
    {
        using var scope = NewDisposeScope();
        var full = fft.irfft2(fft.rfft2(padded, [w.FftHeight, w.FftWidth]) * spectrum, [w.FftHeight, w.FftWidth]);
        var valid = full[.., .., w.Rows, w.Columns];
        return scope.MoveToOuter(valid);
    }

    // vars: padded input, half spectrum, window.
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var padded = (Tensor)vars[0];
        var spectrum = (Tensor)vars[1];
        var window = (FftConvolutionWindow)vars[2];
        ctx.save_for_backward([spectrum]);
        ctx.save_data(WindowKey, window);
        ctx.save_data(InputShapeKey, padded.shape);
        return Convolve(padded, spectrum, window);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        ReturnedGradient.ReleasePrevious();
        var w = (FftConvolutionWindow)ctx.get_data(WindowKey);
        var inputShape = (long[])ctx.get_data(InputShapeKey);
        Tensor gradInput;
        using (var scope = NewDisposeScope())
        {
            var spectrum = ctx.get_saved_variables()[0];
            var frame = zeros([gradOutput.shape[0], gradOutput.shape[1], w.FftHeight, w.FftWidth], gradOutput.dtype, gradOutput.device);
            frame[.., .., w.Rows, w.Columns] = gradOutput;
            // Multiplying by the conjugate spectrum correlates with the kernel: the adjoint of the convolution.
            var correlated = fft.irfft2(fft.rfft2(frame) * spectrum.conj_physical(), [w.FftHeight, w.FftWidth]);
            gradInput = scope.MoveToOuter(correlated[.., .., TensorIndex.Slice(0, inputShape[2]), TensorIndex.Slice(0, inputShape[3])]);
        }
        gradOutput.Dispose(); // this call's handle; the gradient itself belongs to the engine
        return [ReturnedGradient.Hand(gradInput), null!, null!];
    }
}
