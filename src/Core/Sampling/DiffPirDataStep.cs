using Spgd.Core.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Sampling;

/// <summary>
/// DiffPIR's data-consistency step for one task and measurement, and the image its sampling starts from (see
/// <see cref="DiffPirSampler"/>): inpainting in closed form; deblurring and super-resolution by the FFT closed forms of
/// the official scripts (<c>utils_sisr.data_solution</c>: the blur taken as circular, and for super-resolution Zhang et
/// al.'s s-fold solution for y = (k ⊛ x)↓s, the scripts' default <c>sr_mode = 'blur'</c>), in a form that is exact for
/// this project's mirroring operators at any ρ, and for an asymmetric blur kernel by conjugate gradients (see
/// <see cref="Circulant"/>).
/// </summary>
public abstract class DiffPirDataStep : IDisposable
{
    /// <summary>The image (in [−1, 1]) that x_T diffuses.</summary>
    public Tensor Start { get; protected init; } = null!;

    /// <summary>True when <see cref="Start"/> is the measurement up-sampled (super-resolution): x_T = √ᾱ·Start + √(1−ᾱ)·n.</summary>
    public virtual bool StartsFromCubicUpsampling => false;

    /// <summary>x̂₀ made consistent with y at weight ρ.</summary>
    public abstract Tensor Proximal(Tensor x0, double rho);

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

        public override Tensor Proximal(Tensor x0, double rho) => (_maskedY + rho * x0) / (_mask + rho);

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (!disposing) return;
            _mask.Dispose();
            _maskedY.Dispose();
        }
    }

    // The proximal step x = x̂₀ + Cᴴ(CCᴴ + ρ)⁻¹(y − A·x̂₀) for an operator A that a circulant C models. For A = C it is
    // the official closed form (F̄·F(y) + ρ·F(x̂₀))/(|F|² + ρ) (deblurring) and its s-fold version (super-resolution), by
    // Woodbury, with no division by ρ (the official (FR − …)/ρ cancels at the ρ ≈ 10⁻¹⁰ of the first noiseless steps).
    // The official scripts measure with C itself (mode='wrap'); this project's operators mirror at the borders, and the
    // circulant residual C·x̂₀ − y then holds the border mismatch (C − A)·x̂₀, which the step amplifies by up to 1/(2√ρ)
    // into a checkerboard. So the residual is taken with A, and where A mirrors with a symmetric filter (the Gaussian blur's
    // reflection padding, the Resizer's mirrored taps) C is the circulant on the mirrored extension, on which A is
    // exactly C: the step is then the exact minimiser (up to half weight on the edge pixels for whole-sample reflection).
    // An asymmetric kernel (motion blur) keeps the periodic C as the preconditioner of an iterative solve (see
    // ConjugateGradient). float64 throughout.
    private abstract class Circulant : DiffPirDataStep
    {
        private readonly ForwardOperator _op;
        private readonly Tensor _y, _spectrum, _aliasedPower;
        private readonly int _factor;
        private readonly Mirror _mirror;
        private const int MaxIterations = 500;
        private const double Tolerance = 1e-6; // on the preconditioned residual norm, relative to the first

        protected Circulant(ForwardOperator op, Tensor y, Tensor spectrum, int factor, Mirror mirror)
        {
            _op = op;
            _factor = factor;
            _mirror = mirror;
            _y = y.to(ScalarType.Float64).DetachFromDisposeScope();
            _spectrum = spectrum.DetachFromDisposeScope();
            using var scope = NewDisposeScope();
            _aliasedPower = AliasMean(spectrum.abs().square(), factor).DetachFromDisposeScope();
        }

        /// <summary>How the measurement's operator extends an image past its borders.</summary>
        protected enum Mirror
        {
            /// <summary>Periodically (the circulant model holds away from the borders only).</summary>
            None,

            /// <summary>Reflection without repeating the edge pixel (period 2n − 2).</summary>
            WholeSample,

            /// <summary>Reflection repeating the edge pixel (period 2n).</summary>
            HalfSample,
        }

        /// <summary>The side of the torus that C lives on for an n-pixel side.</summary>
        protected static long Torus(long n, Mirror mirror) => mirror switch
        {
            Mirror.WholeSample => 2 * n - 2,
            Mirror.HalfSample => 2 * n,
            _ => n,
        };

        public override Tensor Proximal(Tensor x0, double rho)
        {
            using var scope = NewDisposeScope();
            var x = x0.to(ScalarType.Float64);
            var solution = _mirror == Mirror.None ? ConjugateGradient(x, rho) : x + Correction(_y - _op.Apply(x), rho, x);
            return scope.MoveToOuter(solution.to(x0.dtype));
        }

        // Cᴴ(CCᴴ + ρ)⁻¹ on a measurement-space residual, back in image space.
        private Tensor Correction(Tensor residual, double rho, Tensor like)
        {
            var spectrum = fft.fftn(Extend(residual), dim: [-2, -1]) / (_aliasedPower + rho);
            var correction = fft.ifftn(_spectrum.conj() * spectrum.repeat(1, 1, _factor, _factor), dim: [-2, -1]).real;
            return correction[.., .., ..(int)like.shape[2], ..(int)like.shape[3]];
        }

        // Where C models A only away from the borders (an asymmetric blur kernel), one step x̂₀ + G(y − A·x̂₀) amplifies
        // the border part of A − C by up to 1/(2√ρ); the minimiser of ‖y − A·x‖² + ρ‖x − x̂₀‖² is found instead by
        // conjugate gradients on (AᵀA + ρ)x = Aᵀy + ρx̂₀ preconditioned with (CᴴC + ρ)⁻¹ (whose first step is that one),
        // from x̂₀: each iterate lowers the objective, so none can blow up.
        private Tensor ConjugateGradient(Tensor x0, double rho)
        {
            Tensor Normal(Tensor v) => Adjoint(_op.Apply(v), v) + rho * v;
            Tensor Precondition(Tensor r) => fft.ifftn(fft.fftn(r, dim: [-2, -1]) / (_aliasedPower + rho), dim: [-2, -1]).real;
            var x = x0;
            var r = Adjoint(_y - _op.Apply(x), x);
            var z = Precondition(r);
            var p = z;
            var rz = (r * z).sum().item<double>();
            var start = rz;
            for (var k = 0; k < MaxIterations && rz > Tolerance * Tolerance * start; k++)
            {
                using var iteration = NewDisposeScope(); // 500 iterations' temporaries would otherwise live until the step ends
                var q = Normal(p);
                var alpha = rz / (p * q).sum().item<double>();
                var xNext = x + alpha * p;
                var rNext = r - alpha * q;
                var zNext = Precondition(rNext);
                var next = (rNext * zNext).sum().item<double>();
                var pNext = zNext + next / rz * p;
                iteration.MoveToOuter(xNext, rNext, pNext);
                if (!ReferenceEquals(x, x0)) x.Dispose();
                r.Dispose();
                p.Dispose();
                (x, r, p, rz) = (xNext, rNext, pNext, next);
            }
            return x;
        }

        // Aᵀv at x's shape, through autograd (A is linear).
        private Tensor Adjoint(Tensor v, Tensor like)
        {
            using var grad = enable_grad();
            var input = zeros_like(like).requires_grad_(true);
            return autograd.grad([_op.Apply(input)], [input], [v])[0].detach();
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (!disposing) return;
            _y.Dispose();
            _spectrum.Dispose();
            _aliasedPower.Dispose();
        }

        private Tensor Extend(Tensor r)
        {
            if (_mirror == Mirror.None) return r;
            foreach (var dim in new long[] { 2, 3 })
            {
                var flipped = r.flip(dim);
                if (_mirror == Mirror.WholeSample) flipped = flipped.narrow(dim, 1, r.shape[dim] - 2);
                r = cat([r, flipped], dim);
            }
            return r;
        }

        // The mean of the s² aliases of each low-resolution frequency: the spectrum of C·Cᴴ on the s-fold decimated grid.
        private static Tensor AliasMean(Tensor power, int s)
        {
            long h = power.shape[^2] / s, w = power.shape[^1] / s;
            return power.reshape(s, h, s, w).mean([0, 2]);
        }
    }

    private sealed class Deblurring : Circulant
    {
        public Deblurring(BlurOperator op, Tensor y, Tensor like) : this(op, y, like, MirrorOf(op)) =>
            Start = y.clone().DetachFromDisposeScope();

        private Deblurring(BlurOperator op, Tensor y, Tensor like, Mirror mirror)
            : base(op, y, Spectrum(op, Torus(like.shape[2], mirror), Torus(like.shape[3], mirror), y.device), 1, mirror)
        {
        }

        // Reflection padding is a mirror; C on the mirrored torus equals A when the kernel is symmetric in each axis.
        private static Mirror MirrorOf(BlurOperator op)
        {
            using var kernel = op.Kernel;
            return kernel.allclose(kernel.flip(0), 1e-6, 1e-9) && kernel.allclose(kernel.flip(1), 1e-6, 1e-9) ? Mirror.WholeSample : Mirror.None;
        }

        // The operator correlates with K, i.e. convolves with K flipped; its transfer function on the h×w torus, the
        // kernel's centre at the origin.
        private static Tensor Spectrum(BlurOperator op, long h, long w, Device device)
        {
            using var scope = NewDisposeScope();
            using var k32 = op.Kernel;
            var kernel = k32.flip(0, 1).to(ScalarType.Float64, device);
            long k = kernel.shape[0];
            if (k > h || k > w) throw new NotSupportedException($"{op.Task}: a {k}×{k} kernel does not fit the {h}×{w} torus of DiffPIR's FFT step");
            var padded = nn.functional.pad(kernel, [0, w - k, 0, h - k]).roll([-(k / 2), -(k / 2)], [0, 1]);
            return scope.MoveToOuter(fft.fftn(padded, dim: [-2, -1]));
        }
    }

    /// <summary>Super-resolution by the paper's closed form for y = (k ⊛ x)↓s (Zhang et al.'s s-fold FFT solution, the
    /// script's default <c>sr_mode = 'blur'</c>), with k the Resizer's anti-aliasing filter: away from the borders the
    /// Resizer is exactly a circular convolution followed by keeping every s-th pixel, and its mirrored taps make it
    /// exactly that on the mirrored 2H×2W torus.</summary>
    private sealed class SuperResolution : Circulant
    {
        public SuperResolution(SuperResolutionOperator op, Tensor y) : base(op, y, Spectrum(op, y.device), op.Factor, Mirror.HalfSample)
        {
            using var scope = NewDisposeScope();
            var rows = CubicUpsampling(op.OutputHeight, op.Height).to(y.dtype, y.device);
            var cols = CubicUpsampling(op.OutputWidth, op.Width).to(y.dtype, y.device);
            Start = matmul(matmul(rows, y), cols.t()).DetachFromDisposeScope();
        }

        public override bool StartsFromCubicUpsampling => true;

        private static Tensor Spectrum(SuperResolutionOperator op, Device device)
        {
            if (op.Height % op.Factor != 0 || op.Width % op.Factor != 0)
                throw new NotSupportedException($"{op.Task}: DiffPIR's FFT step needs image sides divisible by the factor {op.Factor}, got {op.Height}×{op.Width}");
            using var scope = NewDisposeScope();
            var rows = tensor(CirculantFilter(op.Height, op.Factor), ScalarType.Float64, device);
            var cols = tensor(CirculantFilter(op.Width, op.Factor), ScalarType.Float64, device);
            return scope.MoveToOuter(fft.fftn(outer(rows, cols), dim: [-2, -1]));
        }

        // One axis of the Resizer as a filter h on the 2n-torus (its mirrored extension) with out[i] = (h ⊛ in)(s·i):
        // h[(s·i − j) mod 2n] = W[i, j] for an interior row i, checked to be the row next to it shifted by s.
        private static double[] CirculantFilter(int n, int s)
        {
            var matrix = ResizerWeights.Matrix(n, 1.0 / s);
            var i = matrix.GetLength(0) / 2;
            var torus = (int)Torus(n, Mirror.HalfSample);
            var h = new double[torus];
            for (var j = 0; j < n; j++)
            {
                var next = matrix[i + 1, (j + s) % n];
                if (Math.Abs(next - matrix[i, j]) > 1e-12)
                    throw new NotSupportedException($"{TaskNames.SuperResolution}: the {n}-pixel Resizer is not shift-invariant in its interior (row {i}, column {j}); DiffPIR's FFT step needs it");
                h[((s * i - j) % torus + torus) % torus] = matrix[i, j];
            }
            return h;
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
