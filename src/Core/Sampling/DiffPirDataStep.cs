using Spgd.Core.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Sampling;

/// <summary>
/// DiffPIR's data-consistency step for one task and measurement, and the image its sampling starts from (see
/// <see cref="DiffPirSampler"/>): inpainting in closed form, deblurring by FFT (the kernel taken as circular, on [0, 1]
/// images, in the stable form (F̄_K·F(y) + ρ·F(x))/(|F_K|² + ρ); the official general-scale formula
/// (FR − F̄_K·W⁻¹·F_K·FR)/ρ is algebraically equal but cancels catastrophically for the ρ ≈ 10⁻¹⁰ of its first
/// noiseless steps), and super-resolution by the paper's iterative step for bicubic degradation.
/// </summary>
public abstract class DiffPirDataStep : IDisposable
{
    /// <summary>The image (in [−1, 1]) that x_T diffuses.</summary>
    public Tensor Start { get; protected init; } = null!;

    /// <summary>True when <see cref="Start"/> is the measurement up-sampled (super-resolution): x_T = √ᾱ·Start + √(1−ᾱ)·n.</summary>
    public virtual bool StartsFromCubicUpsampling => false;

    /// <summary>x̂₀ made consistent with y at weight ρ.</summary>
    public abstract Tensor Proximal(Tensor x0, double rho, DiffPirOptions options);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the step's tensors.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing) Start.Dispose();
    }

    /// <summary>The step for <paramref name="op"/> and measurement <paramref name="y"/>, for images shaped like <paramref name="like"/>.</summary>
    /// <exception cref="NotSupportedException">No data step for the operator (phase retrieval, HDR).</exception>
    public static DiffPirDataStep For(ForwardOperator op, Tensor y, Tensor like) => op switch
        {
            InpaintingOperator inpainting => new Inpainting(inpainting, y),
            BlurOperator blur => new Deblurring(blur, y, like),
            SuperResolutionOperator sr => new SuperResolution(sr, y),
            _ => throw new NotSupportedException($"{op.Task}: DiffPIR has no data step for this operator (its scripts cover inpainting, deblurring and super-resolution)"),
        };

    private sealed class Inpainting : DiffPirDataStep
    {
        private readonly Tensor _mask, _maskedY;

        public Inpainting(InpaintingOperator op, Tensor y)
        {
            _mask = op.Mask.to(y.dtype, y.device).DetachFromDisposeScope();
            _maskedY = (_mask * y).DetachFromDisposeScope();
            Start = (y - (1 - _mask)).DetachFromDisposeScope();
        }

        public override Tensor Proximal(Tensor x0, double rho, DiffPirOptions options) => (_maskedY + rho * x0) / (_mask + rho);

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (!disposing) return;
            _mask.Dispose();
            _maskedY.Dispose();
        }
    }

    private sealed class Deblurring : DiffPirDataStep
    {
        private readonly Tensor _kernelSpectrum, _kernelPower, _correlatedY;

        public Deblurring(BlurOperator op, Tensor y, Tensor like)
        {
            using var scope = NewDisposeScope();
            long h = like.shape[2], w = like.shape[3];
            // The operator correlates with K, i.e. convolves with K flipped; its transfer function on an h×w torus:
            var kernel = op.Kernel.flip(0, 1).to(ScalarType.Float32, y.device);
            long k = kernel.shape[0];
            if (k > h || k > w) throw new NotSupportedException($"{op.Task}: a {k}×{k} kernel does not fit the {h}×{w} torus of DiffPIR's FFT step");
            var padded = nn.functional.pad(kernel, [0, w - k, 0, h - k]).roll([-(k / 2), -(k / 2)], [0, 1]);
            var spectrum = fft.fftn(padded, dim: [-2, -1]);
            _kernelSpectrum = spectrum.DetachFromDisposeScope();
            _kernelPower = spectrum.abs().square().DetachFromDisposeScope();
            _correlatedY = (spectrum.conj() * fft.fftn(y / 2 + 0.5, dim: [-2, -1])).DetachFromDisposeScope();
            Start = y.clone().DetachFromDisposeScope();
        }

        public override Tensor Proximal(Tensor x0, double rho, DiffPirOptions options)
        {
            using var scope = NewDisposeScope();
            var numerator = _correlatedY + fft.fftn((x0 / 2 + 0.5) * rho, dim: [-2, -1]);
            var solution = fft.ifftn(numerator / (_kernelPower + rho), dim: [-2, -1]).real;
            return scope.MoveToOuter(solution * 2 - 1);
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (!disposing) return;
            _kernelSpectrum.Dispose();
            _kernelPower.Dispose();
            _correlatedY.Dispose();
        }
    }

    private sealed class SuperResolution : DiffPirDataStep
    {
        private readonly SuperResolutionOperator _op;
        private readonly Tensor _y01;

        public SuperResolution(SuperResolutionOperator op, Tensor y)
        {
            _op = op;
            _y01 = (y / 2 + 0.5).DetachFromDisposeScope();
            using var scope = NewDisposeScope();
            var rows = CubicUpsampling(op.OutputHeight, op.Height).to(y.dtype, y.device);
            var cols = CubicUpsampling(op.OutputWidth, op.Width).to(y.dtype, y.device);
            Start = matmul(matmul(rows, y), cols.t()).DetachFromDisposeScope();
        }

        public override bool StartsFromCubicUpsampling => true;

        public override Tensor Proximal(Tensor x0, double rho, DiffPirOptions options)
        {
            using var scope = NewDisposeScope();
            var x = x0;
            for (var k = 0; k < options.SuperResolutionIterations; k++)
            {
                var x01 = x / 2 + 0.5;
                var residual = _y01 - _op.Apply(x01);
                var up = residual.repeat_interleave(_op.Factor, 2).repeat_interleave(_op.Factor, 3);
                x = (x01 + options.SuperResolutionStepSize * up / (1 + rho)) * 2 - 1;
            }
            return scope.MoveToOuter(x.alias());
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (!disposing) return;
            _y01.Dispose();
        }

        // OpenCV's INTER_CUBIC resize matrix [outLength, inLength]: a = −0.75, half-pixel centres, replicated border.
        private static Tensor CubicUpsampling(int inLength, int outLength)
        {
            var m = new double[outLength * inLength];
            var scale = (double)inLength / outLength;
            const double a = -0.75;
            for (var i = 0; i < outLength; i++)
            {
                var source = (i + 0.5) * scale - 0.5;
                var baseIndex = (int)Math.Floor(source);
                var f = source - baseIndex;
                double c0 = ((a * (f + 1) - 5 * a) * (f + 1) + 8 * a) * (f + 1) - 4 * a;
                double c1 = ((a + 2) * f - (a + 3)) * f * f + 1;
                double c2 = ((a + 2) * (1 - f) - (a + 3)) * (1 - f) * (1 - f) + 1;
                double[] c = [c0, c1, c2, 1 - c0 - c1 - c2];
                for (var k = 0; k < 4; k++)
                {
                    var j = Math.Clamp(baseIndex - 1 + k, 0, inLength - 1);
                    m[i * inLength + j] += c[k];
                }
            }
            return tensor(m, [outLength, inLength], ScalarType.Float64).to(ScalarType.Float32);
        }
    }
}
