using Spgd.Core.Arrays;
using Spgd.Core.Models.Bkse;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Operators;

/// <summary>
/// Nonlinear deblurring (DPS; SPGD's <c>nonlinear_blur</c>): y = clamp(2·G((x+1)/2, k) − 1, −1, 1) with G BKSE's
/// KernelWizard <c>adaptKernel</c> and k one fixed kernel code shared by the batch. The network's weights are frozen;
/// the gradient flows through it to x.
/// </summary>
public sealed class NonlinearBlurOperator : ForwardOperator
{
    /// <summary>The reference's code scale: <c>np.random.randn(1, 512, 2, 2) * 1.2</c>.</summary>
    public const double CodeScale = 1.2;

    /// <summary>The reference's seed for the code: <c>np.random.seed(0)</c>.</summary>
    public const uint CodeSeed = 0;

    private readonly Func<Device, KernelWizard> _networkFor;
    private readonly object _networkIdentity; // the network, or what the cache loads it from
    private KernelWizard? _network;
    private Device _device = CPU;
    private Tensor _code;

    /// <summary>
    /// An operator over <paramref name="network"/> (not owned: share one network among operators; <see cref="To"/> moves
    /// it) with <paramref name="code"/> (copied, [1, 8·nf, H/128, W/128]).
    /// </summary>
    /// <exception cref="ArgumentException">The code's channel count is not the network's 8·nf.</exception>
    public NonlinearBlurOperator(KernelWizard network, Tensor code)
        : this(d => network.to(d), network ?? throw new ArgumentNullException(nameof(network)), network.Options, code)
    {
        _network = network;
        _device = network.parameters().First().device;
        if (_code.device.ToString() != _device.ToString())
        {
            var moved = _code.to(_device);
            _code.Dispose();
            _code = moved;
        }
    }

    private NonlinearBlurOperator(Func<Device, KernelWizard> networkFor, object networkIdentity, KernelWizardOptions options, Tensor code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.dim() != 4 || code.shape[0] != 1 || code.shape[1] != options.CodeChannels)
            throw new ArgumentException($"kernel code [{string.Join(", ", code.shape)}] must be [1, {options.CodeChannels}, H/128, W/128] for this KernelWizard (nf {options.Features})", nameof(code));
        _networkFor = networkFor;
        _networkIdentity = networkIdentity;
        _code = code.detach().to(ScalarType.Float32).clone();
    }

    /// <inheritdoc />
    public override string Task => TaskNames.NonlinearBlur;

    /// <summary>The kernel code, [1, 8·nf, H/128, W/128].</summary>
    public Tensor Code => _code;

    /// <summary>
    /// The operator of <paramref name="settings"/> for height×width images: the network from the process-wide
    /// <see cref="KernelWizardCache"/> (loaded on first use, on the device the operator is moved to) and the code from
    /// the settings' file or <see cref="ReferenceCode"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid settings (every problem listed) or an image size the network cannot take.</exception>
    /// <exception cref="InvalidDataException">The option file or the code file is malformed.</exception>
    public static NonlinearBlurOperator Create(NonlinearBlurSettings settings, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = settings.Problems();
        if (problems.Count > 0) throw new ArgumentException("invalid nonlinear_blur settings: " + string.Join("; ", problems));
        var options = settings.LoadOptions();
        var expected = options.CodeShape(height, width);
        using var code = settings.KernelCodePath is { } path ? NpyFile.Read(path).ToTensor() : ReferenceCode(options, height, width);
        if (!code.shape.SequenceEqual(expected))
            throw new ArgumentException($"kernel code {settings.KernelCodePath}: shape [{string.Join(", ", code.shape)}] does not fit {height}×{width} images: expected [{string.Join(", ", expected)}]");
        var checkpoint = Path.GetFullPath(settings.Checkpoint!);
        return new NonlinearBlurOperator(d => KernelWizardCache.Shared.Get(options, checkpoint, d), (checkpoint, options), options, code);
    }

    /// <summary>
    /// The reference's fixed code: <c>np.random.seed(0)</c>, normals in C order, × 1.2, cast to float32, with shape
    /// [1, 8·nf, H/128, W/128] (the reference's 1×512×2×2 for the published model at 256×256).
    /// </summary>
    /// <exception cref="ArgumentException">The size is not a positive multiple of 128.</exception>
    public static Tensor ReferenceCode(KernelWizardOptions options, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(options);
        var shape = options.CodeShape(height, width);
        var draws = new NumpyRandomState(CodeSeed).Gaussians(shape.Aggregate(1L, (a, b) => a * b));
        return tensor(draws.Select(v => (float)(v * CodeScale)).ToArray(), shape, ScalarType.Float32);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">x's size does not fit the code.</exception>
    public override Tensor Apply(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var network = _network ??= _networkFor(_device);
        using var scope = NewDisposeScope();
        var sharp = (x + 1.0) / 2.0;
        var blurred = network.AdaptKernel(sharp, _code);
        return scope.MoveToOuter((blurred * 2.0 - 1.0).clamp(-1.0, 1.0));
    }

    /// <inheritdoc />
    public override bool SameOperatorAs(ForwardOperator other) =>
        other is NonlinearBlurOperator o && (ReferenceEquals(o, this)
            || (_networkIdentity.Equals(o._networkIdentity) && _device.ToString() == o._device.ToString()
                && _code.shape.SequenceEqual(o._code.shape) && _code.allclose(o._code, rtol: 0, atol: 0)));

    /// <inheritdoc />
    public override void To(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.ToString() == _device.ToString()) return;
        _device = device;
        _network = null;
        var moved = _code.to(device);
        _code.Dispose();
        _code = moved;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _code.Dispose();
        base.Dispose(disposing);
    }
}
