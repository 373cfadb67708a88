using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Spgd.Core.Operators;

/// <summary>
/// A blur y = k ⋆ x per channel, as the reference: reflection padding by K/2 (ReflectionPad2d) then a depthwise
/// valid cross-correlation (conv2d) with the K×K kernel, so the output has the input's size. Large kernels are
/// applied through a zero-padded FFT, whose valid part equals the direct convolution.
/// </summary>
public sealed class BlurOperator : ForwardOperator
{
    /// <summary>Largest kernel side that <see cref="ConvolutionMethod.Auto"/> applies directly.</summary>
    public const int DirectConvolutionMaxKernel = 15;

    private readonly object _gate = new();
    private Tensor _kernel;
    // Kernel spectra per (FFT size, device, dtype); never evicted while the operator lives, so a spectrum handed
    // to one Apply cannot be disposed under it by another thread. There are only ever a few.
    private readonly Dictionary<(long Height, long Width, string Device, ScalarType Dtype), Tensor> _spectra = [];

    /// <summary>Creates a blur for <paramref name="task"/> (gaussian_blur or motion_blur) from a K×K kernel (odd K).</summary>
    /// <exception cref="ArgumentException">Kernel not square with odd side, or not finite.</exception>
    public BlurOperator(string task, Tensor kernel, ConvolutionMethod method = ConvolutionMethod.Auto)
    {
        Task = TaskNames.Normalize(task);
        if (Task is not (TaskNames.GaussianBlur or TaskNames.MotionBlur))
            throw new ArgumentException($"BlurOperator is for {TaskNames.GaussianBlur} or {TaskNames.MotionBlur}, not '{Task}'", nameof(task));
        using var scope = NewDisposeScope();
        var k = kernel.detach().to(ScalarType.Float32, CPU);
        while (k.dim() > 2 && k.shape[0] == 1) k = k.squeeze(0);
        if (k.dim() != 2 || k.shape[0] != k.shape[1] || k.shape[0] % 2 == 0)
            throw new ArgumentException($"blur kernel must be K×K with odd K, got shape [{string.Join(", ", kernel.shape)}]", nameof(kernel));
        if (!torch.isfinite(k).all().item<bool>()) throw new ArgumentException("blur kernel has non-finite values", nameof(kernel));
        // Rows and columns of zeros around the kernel add nothing to any sum (the reference's 61×61 Gaussian with σ = 3
        // is nonzero only in its central 25×25): cropping them symmetrically, with the reflection padding shrunk to
        // match, gives the same outputs over a smaller padded image and FFT (up to float32 summation order).
        _kernel = CropZeroBorder(k).contiguous().clone().DetachFromDisposeScope(); // owned: the caller may change or dispose theirs
        Method = method == ConvolutionMethod.Auto
            ? (KernelSize <= DirectConvolutionMaxKernel ? ConvolutionMethod.Direct : ConvolutionMethod.Fft)
            : method;
    }

    /// <inheritdoc/>
    public override string Task { get; }

    /// <summary>The method actually used (never <see cref="ConvolutionMethod.Auto"/>).</summary>
    public ConvolutionMethod Method { get; }

    /// <summary>Side of the kernel actually applied: the given K less any all-zero border (odd, centred).</summary>
    public int KernelSize => (int)_kernel.shape[0];

    /// <summary>A copy of the K×K kernel (float32, on the operator's device).</summary>
    public Tensor Kernel => _kernel.clone();

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x)
    {
        if (x.dim() != 4) throw new ArgumentException($"{Task}: expected an NCHW batch, got shape [{string.Join(", ", x.shape)}]", nameof(x));
        int pad = KernelSize / 2;
        if (x.shape[2] <= pad || x.shape[3] <= pad)
            throw new ArgumentException($"{Task}: a {KernelSize}×{KernelSize} kernel with reflection padding needs images larger than {pad}×{pad}, got {x.shape[2]}×{x.shape[3]}", nameof(x));
        using var scope = NewDisposeScope();
        var padded = F.pad(x, [pad, pad, pad, pad], PaddingModes.Reflect);
        var y = Method == ConvolutionMethod.Direct ? Direct(padded) : ViaFft(padded, x.shape[2], x.shape[3]);
        return scope.MoveToOuter(y);
    }

    /// <inheritdoc/>
    public override void To(Device device)
    {
        lock (_gate)
        {
            var moved = _kernel.to(device).DetachFromDisposeScope();
            if (!ReferenceEquals(moved, _kernel)) { _kernel.Dispose(); _kernel = moved; }
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        lock (_gate)
        {
            foreach (var spectrum in _spectra.Values) spectrum.Dispose();
            _spectra.Clear();
            _kernel.Dispose();
        }
    }

    private Tensor Direct(Tensor padded)
    {
        long channels = padded.shape[1];
        var weight = _kernel.to(padded.dtype, padded.device).expand(channels, 1, KernelSize, KernelSize);
        return F.conv2d(padded, weight, groups: channels);
    }

    private Tensor ViaFft(Tensor padded, long height, long width)
    {
        // Circular convolution of length ≥ the padded size wraps only into the first K−1 outputs, which the
        // crop discards: the kept part is exactly the valid linear convolution.
        long fh = FftSize(padded.shape[2]), fw = FftSize(padded.shape[3]);
        var spectrum = KernelSpectrum(fh, fw, padded.device, padded.dtype);
        var window = new FftConvolutionWindow(fh, fw, KernelSize - 1, height, width);
        return is_grad_enabled() && padded.requires_grad
            ? FftConvolutionFunction.apply(padded, spectrum, window)
            : FftConvolutionFunction.Convolve(padded, spectrum, window);
    }

    // The smallest centred odd square holding every nonzero of k (k itself when its border is nonzero).
    private static Tensor CropZeroBorder(Tensor k)
    {
        long centre = k.shape[0] / 2;
        var nonzero = k.ne(0);
        long total = nonzero.sum().item<long>();
        for (long r = 0; r < centre; r++)
        {
            var square = TensorIndex.Slice(centre - r, centre + r + 1);
            if (nonzero[square, square].sum().item<long>() == total) return k[square, square];
        }
        return k;
    }

    // Cached: the sampler calls Apply thousands of times on one shape.
    private Tensor KernelSpectrum(long fh, long fw, Device device, ScalarType dtype)
    {
        lock (_gate)
        {
            var key = (fh, fw, device.ToString(), dtype);
            if (_spectra.TryGetValue(key, out var cached)) return cached;
            using var scope = NewDisposeScope();
            // conv2d correlates: convolving with the flipped kernel gives the same sums.
            var flipped = _kernel.to(dtype, device).flip(0, 1);
            var value = torch.fft.rfft2(flipped, [fh, fw]);
            value.DetachFromDisposeScope();
            _spectra[key] = value;
            return value;
        }
    }

    // Smallest 2·3·5-smooth length ≥ n (pocketfft is fastest on those).
    internal static long FftSize(long n)
    {
        for (long m = Math.Max(n, 1); ; m++)
        {
            long r = m;
            foreach (var p in new[] { 2, 3, 5 }) while (r % p == 0) r /= p;
            if (r == 1) return m;
        }
    }
}
