using static TorchSharp.torch;

namespace Spgd.Core.Models.Bkse;

/// <summary>
/// BKSE's (pix2pix-style) <c>ResnetBlock</c> of the kernel extractor: x + conv_block(x), conv_block = [pad, conv3×3,
/// norm, ReLU, (dropout), pad, conv3×3, norm] with norm <c>none</c> (identity layers that keep their indices).
/// </summary>
internal sealed class ResnetBlock : nn.Module<Tensor, Tensor>
{
    // Field name is the state-dict name.
    private readonly nn.Module<Tensor, Tensor> conv_block;

    public ResnetBlock(long dim, string padding, bool dropout, Device? device) : base(nameof(ResnetBlock))
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        for (var half = 0; half < 2; half++)
        {
            var zeroPad = padding == "zero";
            if (padding == "reflect") layers.Add(nn.ReflectionPad2d(1));
            else if (padding == "replicate") layers.Add(nn.ReplicationPad2d(1));
            layers.Add(nn.Conv2d(dim, dim, 3, padding: zeroPad ? 1L : 0L, bias: false, device: device));
            layers.Add(nn.Identity());
            if (half == 0)
            {
                layers.Add(nn.ReLU());
                if (dropout) layers.Add(nn.Dropout(0.5));
            }
        }
        conv_block = KernelWizard.Indexed(layers);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(x + conv_block.forward(x));
    }
}
