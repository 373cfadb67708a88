namespace Spgd.Core.Operators;

/// <summary>How <see cref="BlurOperator"/> convolves; all give the same result up to float rounding.</summary>
public enum ConvolutionMethod
{
    /// <summary>FFT for kernels larger than <see cref="BlurOperator.DirectConvolutionMaxKernel"/>, direct otherwise.</summary>
    Auto,

    /// <summary>Depthwise <c>conv2d</c>, as the reference (O(K²) per pixel).</summary>
    Direct,

    /// <summary>Zero-padded (linear) FFT convolution, cropped to the valid part (O(log N) per pixel).</summary>
    Fft,
}
