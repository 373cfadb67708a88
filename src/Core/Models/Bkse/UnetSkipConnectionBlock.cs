using static TorchSharp.torch;

namespace Spgd.Core.Models.Bkse;

/// <summary>
/// One level of BKSE's kernel-adapter U-Net (<c>UnetSkipConnectionBlock</c>, norm <c>none</c>, so convolutions have
/// no bias except the outermost up-convolution). The innermost level concatenates the kernel code to its
/// down-sampled features. Inner levels start their down path with an in-place LeakyReLU(0.2) on their input, so in
/// the reference the skip connection carries LeakyReLU(x), not x. The parent's up path begins with a ReLU, which makes
/// the two equal (measured: swapping them leaves the parity error unchanged), but the reference's form is kept.
/// </summary>
internal sealed class UnetSkipConnectionBlock : nn.Module<Tensor, Tensor, Tensor>
{
    // Field names are the state-dict names.
    private readonly nn.Module<Tensor, Tensor> down;
    private readonly UnetSkipConnectionBlock? submodule;
    private readonly nn.Module<Tensor, Tensor> up;
    private readonly bool _outermost;
    private readonly bool _innermost;
    private readonly Func<Tensor, Tensor> _downConvolution; // a delegate, not a module field: no second state-dict name

    public UnetSkipConnectionBlock(long outerChannels, long innerChannels, long? inputChannels, UnetSkipConnectionBlock? inner,
        bool outermost, bool innermost, bool dropout, Device? device) : base(nameof(UnetSkipConnectionBlock))
    {
        _outermost = outermost;
        _innermost = innermost;
        var input = inputChannels ?? outerChannels;
        var downConv = nn.Conv2d(input, innerChannels, 4, stride: 2, padding: 1, bias: false, device: device);
        _downConvolution = downConv.forward;
        if (outermost)
        {
            down = KernelWizard.Indexed([downConv]);
            up = KernelWizard.Indexed([nn.ReLU(), nn.ConvTranspose2d(innerChannels * 2, outerChannels, 4, stride: 2, padding: 1, device: device), nn.Tanh()]);
        }
        else
        {
            var upConv = nn.ConvTranspose2d(innerChannels * 2, outerChannels, 4, stride: 2, padding: 1, bias: false, device: device);
            down = innermost
                ? KernelWizard.Indexed([nn.LeakyReLU(0.2), downConv])
                : KernelWizard.Indexed([nn.LeakyReLU(0.2), downConv, nn.Identity()]);
            up = !innermost && dropout
                ? KernelWizard.Indexed([nn.ReLU(), upConv, nn.Identity(), nn.Dropout(0.5)])
                : KernelWizard.Indexed([nn.ReLU(), upConv, nn.Identity()]);
        }
        if (!innermost) submodule = inner ?? throw new ArgumentNullException(nameof(inner), "only the innermost level has no submodule");
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor code)
    {
        using var scope = NewDisposeScope();
        if (_outermost) return scope.MoveToOuter(up.forward(submodule!.forward(down.forward(x), code)));
        // The reference's in-place LeakyReLU rewrites x before the skip concatenation reads it.
        var activated = nn.functional.leaky_relu(x, 0.2);
        var downsampled = _downConvolution(activated);
        var inner = _innermost
            ? up.forward(cat([downsampled, code], 1))
            : up.forward(submodule!.forward(downsampled, code));
        return scope.MoveToOuter(cat([inner, activated], 1));
    }
}
