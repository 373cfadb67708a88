using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Operators;

/// <summary>
/// The singular value decomposition A = U·Σ·Vᵀ of a linear forward operator, kept in image layout so that spectral
/// methods (DDRM) work element by element: <see cref="Vt"/> maps an image x [B, C, H, W] to its coefficients x̄ = Vᵀx of
/// the same shape, <see cref="Ut"/> maps a measurement y to ȳ = Uᵀy embedded in that shape, and <see cref="Singulars"/>
/// and <see cref="Paired"/> ([1, 1, H, W]) say which coefficient pairs with a measurement coefficient and with which
/// singular value (0 where none). Built only for operators with a cheap exact SVD: inpainting (A is a 0/1 mask,
/// V = U = I), and separable operators A(X) = R·X·Cᵀ per channel — ×f super-resolution (the Resizer's row and column
/// matrices) and blurs whose kernel is an outer product (Gaussian), where R and C are the 1-D "reflect-pad then
/// correlate" matrices; their SVDs are those of the small 1-D matrices.
/// </summary>
/// <remarks>
/// Motion blur (a non-separable kernel), phase retrieval and HDR (not linear) have no such SVD: <see cref="For"/>
/// refuses them with the reason. The decomposition is canonical so that two implementations agree coefficient by
/// coefficient (needed to replay recorded noise): each singular pair's sign makes Σ_k √(k+1)·v_k positive, and the
/// null space of a wide factor (super-resolution) is completed by Gram–Schmidt over a fixed generic basis (QR of
/// [V_r, G] with a positive diagonal, G_ij = cos(0.37·(i+1)(j+1) + j); the standard basis can be linearly dependent
/// on V_r, as it is for the Resizer).
/// </remarks>
public sealed class OperatorSvd : IDisposable
{
    private readonly Tensor? _mask;            // inpainting: [1, 1, H, W]
    private readonly Tensor? _uRows, _vRows;   // separable: U_R [m, m], V_R [H, H]
    private readonly Tensor? _uCols, _vCols;   // U_C [n, n], V_C [W, W]
    private readonly long _measuredRows, _measuredCols;

    private OperatorSvd(Tensor singulars, Tensor paired, Tensor? mask, Tensor? uRows, Tensor? vRows, Tensor? uCols, Tensor? vCols,
        long measuredRows, long measuredCols)
    {
        Singulars = singulars;
        Paired = paired;
        _mask = mask;
        _uRows = uRows;
        _vRows = vRows;
        _uCols = uCols;
        _vCols = vCols;
        _measuredRows = measuredRows;
        _measuredCols = measuredCols;
    }

    /// <summary>Σ in image layout [1, 1, H, W] (float32): the singular value of each coefficient, 0 where it has none.</summary>
    public Tensor Singulars { get; }

    /// <summary>[1, 1, H, W] bool: the coefficients that pair with a measurement coefficient (the first rank(A) of DDRM's
    /// ordering); the rest span A's null space.</summary>
    public Tensor Paired { get; }

    /// <summary>Builds the SVD of <paramref name="op"/> for H×W images, or says why it has none.</summary>
    /// <param name="op">The forward operator.</param>
    /// <param name="height">Image height H.</param>
    /// <param name="width">Image width W.</param>
    /// <param name="zeroBelow">1-D singular values below this are set to 0 (DDRM does so with 3·10⁻² for blur and
    /// super-resolution, so that near-null directions are treated as unmeasured); 0 keeps them all.</param>
    /// <exception cref="NotSupportedException">The operator has no cheap exact SVD (the message says why).</exception>
    public static OperatorSvd For(ForwardOperator op, int height, int width, double zeroBelow = 0)
    {
        ArgumentNullException.ThrowIfNull(op);
        using var scope = NewDisposeScope();
        switch (op)
        {
            case InpaintingOperator inpainting:
            {
                var mask = inpainting.Mask.to(ScalarType.Float32, CPU);
                if (mask.shape[2] != height || mask.shape[3] != width)
                    throw new ArgumentException($"inpainting mask is {mask.shape[2]}×{mask.shape[3]}, images are {height}×{width}");
                if (!mask.eq(0).logical_or(mask.eq(1)).all().item<bool>())
                    throw new NotSupportedException($"{op.Task}: a soft (non-0/1) mask is not an orthogonal projection; its SVD is not the mask itself");
                var paired = mask.gt(0.5);
                return Keep(scope, new OperatorSvd(mask.clone(), paired, mask.clone(), null, null, null, null, height, width));
            }
            case SuperResolutionOperator sr:
            {
                if (sr.Height != height || sr.Width != width)
                    throw new ArgumentException($"super-resolution operator is for {sr.Height}×{sr.Width} images, not {height}×{width}");
                return Separable(scope, ResizerWeights.Matrix(height, 1.0 / sr.Factor), ResizerWeights.Matrix(width, 1.0 / sr.Factor), zeroBelow);
            }
            case BlurOperator blur when blur.Task == TaskNames.GaussianBlur:
            {
                var (rowKernel, colKernel) = SeparableFactors(blur.Kernel);
                return Separable(scope, ReflectCorrelationMatrix(rowKernel, height), ReflectCorrelationMatrix(colKernel, width), zeroBelow);
            }
            case BlurOperator:
                throw new NotSupportedException($"{op.Task}: the kernel is not separable, so A's SVD is a dense (HW)×(HW) decomposition (no cheap exact SVD); DDRM is not defined for it here");
            default:
                throw new NotSupportedException($"{op.Task}: {(op.Task is TaskNames.PhaseRetrieval or TaskNames.Hdr ? "the operator is not linear" : "no SVD is implemented for this operator")}, so DDRM's spectral steps do not apply");
        }
    }

    /// <summary>x̄ = Vᵀx, [B, C, H, W] → [B, C, H, W].</summary>
    public Tensor Vt(Tensor x)
    {
        if (_mask is not null) return x.clone();
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(matmul(matmul(_vRows!.to(x.dtype, x.device).t(), x), _vCols!.to(x.dtype, x.device)));
    }

    /// <summary>x = V·x̄, the inverse of <see cref="Vt"/>.</summary>
    public Tensor V(Tensor coefficients)
    {
        if (_mask is not null) return coefficients.clone();
        using var scope = NewDisposeScope();
        var x = matmul(matmul(_vRows!.to(coefficients.dtype, coefficients.device), coefficients), _vCols!.to(coefficients.dtype, coefficients.device).t());
        return scope.MoveToOuter(x);
    }

    /// <summary>ȳ = Uᵀy, embedded in image layout [B, C, H, W] at the paired coefficients (0 elsewhere).</summary>
    /// <param name="y">The measurement as the operator returns it ([B, C, H, W] for inpainting, [B, C, m, n] otherwise).</param>
    public Tensor Ut(Tensor y)
    {
        using var scope = NewDisposeScope();
        if (_mask is not null) return scope.MoveToOuter(y * _mask.to(y.dtype, y.device));
        if (y.shape[2] != _measuredRows || y.shape[3] != _measuredCols)
            throw new ArgumentException($"measurement is {y.shape[2]}×{y.shape[3]}, the operator measures {_measuredRows}×{_measuredCols}");
        var small = matmul(matmul(_uRows!.to(y.dtype, y.device).t(), y), _uCols!.to(y.dtype, y.device));
        var embedded = nn.functional.pad(small, [0, _vCols!.shape[0] - _measuredCols, 0, _vRows!.shape[0] - _measuredRows]);
        return scope.MoveToOuter(embedded);
    }

    /// <summary>A⁺y = V·Σ⁺·Uᵀy (coefficients with a zero singular value, e.g. below the floor, stay 0).</summary>
    public Tensor PseudoInverse(Tensor y)
    {
        using var scope = NewDisposeScope();
        var s = Singulars.to(y.dtype, y.device);
        var coefficients = where(s > 0, Ut(y) / where(s > 0, s, ones_like(s)), zeros_like(s));
        return scope.MoveToOuter(V(coefficients));
    }

    /// <summary>The number of measured coefficients per image and channel (the paired ones: rank(A) before any floor).</summary>
    public long MeasuredPerChannel => Paired.sum().item<long>();

    /// <inheritdoc />
    public void Dispose()
    {
        Singulars.Dispose();
        Paired.Dispose();
        _mask?.Dispose();
        _uRows?.Dispose();
        _vRows?.Dispose();
        _uCols?.Dispose();
        _vCols?.Dispose();
    }

    private static OperatorSvd Keep(DisposeScope scope, OperatorSvd svd)
    {
        foreach (var t in new[] { svd.Singulars, svd.Paired, svd._mask, svd._uRows, svd._vRows, svd._uCols, svd._vCols })
            if (t is not null) scope.Detach(t);
        return svd;
    }

    private static OperatorSvd Separable(DisposeScope scope, double[,] rows, double[,] cols, double zeroBelow)
    {
        var (uR, sR, vR) = Canonical(ToTensor(rows));
        var (uC, sC, vC) = Canonical(ToTensor(cols));
        if (zeroBelow > 0)
        {
            sR = where(sR < zeroBelow, zeros_like(sR), sR);
            sC = where(sC < zeroBelow, zeros_like(sC), sC);
        }
        long m = sR.shape[0], n = sC.shape[0], h = vR.shape[0], w = vC.shape[0];
        var block = outer(sR, sC);
        var singulars = nn.functional.pad(block, [0, w - n, 0, h - m]).reshape(1, 1, h, w).to(ScalarType.Float32);
        var paired = nn.functional.pad(ones(m, n, ScalarType.Float64), [0, w - n, 0, h - m]).reshape(1, 1, h, w).gt(0.5);
        return Keep(scope, new OperatorSvd(singulars, paired, null,
            uR.to(ScalarType.Float32), vR.to(ScalarType.Float32), uC.to(ScalarType.Float32), vC.to(ScalarType.Float32), m, n));
    }

    // SVD of a wide matrix M [m, k] (m ≤ k) in float64 with canonical signs and a canonical null-space basis.
    private static (Tensor U, Tensor S, Tensor V) Canonical(Tensor matrix)
    {
        long m = matrix.shape[0], k = matrix.shape[1];
        if (m > k) throw new NotSupportedException($"a tall {m}×{k} factor is not a degradation this SVD supports");
        var (u, s, vh) = linalg.svd(matrix, fullMatrices: false); // u [m, m], s [m], vh [m, k]
        var weights = arange(1, k + 1, ScalarType.Float64).sqrt();
        var signs = sign(matmul(vh, weights));
        signs = where(signs.eq(0), ones_like(signs), signs);
        u = u * signs.unsqueeze(0);
        var v = (vh * signs.unsqueeze(1)).t(); // [k, m]
        if (m < k)
        {
            var i = arange(k, ScalarType.Float64).unsqueeze(1);
            var j = arange(k - m, ScalarType.Float64).unsqueeze(0);
            var (q, r) = linalg.qr(cat([v, cos(0.37 * (i + 1) * (j + 1) + j)], 1));
            var diagonalSigns = sign(r.diagonal());
            q = q * where(diagonalSigns.eq(0), ones_like(diagonalSigns), diagonalSigns).unsqueeze(0);
            v = cat([v, q[.., (int)m..]], 1);
        }
        return (u, s, v.contiguous());
    }

    // K = r·cᵀ for a rank-1 kernel (a Gaussian), split with √σ₁ on each side; refused otherwise.
    private static (double[] Rows, double[] Cols) SeparableFactors(Tensor kernel)
    {
        using var scope = NewDisposeScope();
        var k = kernel.to(ScalarType.Float64, CPU);
        var (u, s, vh) = linalg.svd(k, fullMatrices: false);
        var s0 = s[0].item<double>();
        if (s.shape[0] > 1 && s[1].item<double>() > 1e-6 * s0)
            throw new NotSupportedException($"the blur kernel is not separable (σ₂/σ₁ = {s[1].item<double>() / s0:g3}), so it has no cheap exact SVD");
        var sign = u[.., 0].sum().item<double>() < 0 ? -1.0 : 1.0;
        var rows = (u[.., 0] * (sign * Math.Sqrt(s0))).data<double>().ToArray();
        var cols = (vh[0] * (sign * Math.Sqrt(s0))).data<double>().ToArray();
        return (rows, cols);
    }

    // The n×n matrix of "pad by reflection (no edge repeat), then correlate with k" along one axis.
    private static double[,] ReflectCorrelationMatrix(double[] kernel, int n)
    {
        int pad = kernel.Length / 2;
        if (n <= pad) throw new ArgumentException($"a {kernel.Length}-tap kernel with reflection padding needs more than {pad} pixels, got {n}");
        var m = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var a = 0; a < kernel.Length; a++)
            {
                var j = i + a - pad;
                if (j < 0) j = -j;
                if (j >= n) j = 2 * (n - 1) - j;
                m[i, j] += kernel[a];
            }
        return m;
    }

    private static Tensor ToTensor(double[,] m)
    {
        int rows = m.GetLength(0), cols = m.GetLength(1);
        var data = new double[rows * cols];
        Buffer.BlockCopy(m, 0, data, 0, data.Length * sizeof(double));
        return tensor(data, [rows, cols], ScalarType.Float64);
    }
}
