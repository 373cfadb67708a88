using static TorchSharp.torch;

namespace Spgd.Core.Models.Bkse;

/// <summary>
/// BKSE's <c>KernelAdapter</c> (G in the paper): a five-level U-Net over the image features (widths nf, 2nf, 4nf,
/// 8nf, 8nf) whose innermost level takes the kernel code, so the code has 8·nf channels and 1/32 of the feature
/// map's size (a 2×2 code for 256×256 images).
/// </summary>
internal sealed class KernelAdapter : nn.Module<Tensor, Tensor, Tensor>
{
    // Field name is the state-dict name.
    private readonly UnetSkipConnectionBlock model;

    public KernelAdapter(KernelWizardOptions options, Device? device) : base(nameof(KernelAdapter))
    {
        long ngf = options.Features;
        var dropout = false; // the reference builds the adapter's blocks without passing use_dropout on
        var block = new UnetSkipConnectionBlock(ngf * 8, ngf * 8, null, null, false, true, dropout, device);
        block = new UnetSkipConnectionBlock(ngf * 4, ngf * 8, null, block, false, false, dropout, device);
        block = new UnetSkipConnectionBlock(ngf * 2, ngf * 4, null, block, false, false, dropout, device);
        block = new UnetSkipConnectionBlock(ngf, ngf * 2, null, block, false, false, dropout, device);
        model = new UnetSkipConnectionBlock(ngf, ngf, ngf, block, true, false, dropout, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor features, Tensor code) => model.forward(features, code);
}
