using static TorchSharp.torch;

namespace Spgd.Core.Models.Bkse;

/// <summary>
/// BKSE's <c>KernelExtractor</c> (F in the paper): encodes a sharp/blurred feature pair into a kernel code. The
/// nonlinear blur does not run it (the code is given), but its weights are part of the checkpoint, so it is built
/// with the reference's layer indices: pad, conv7×7, norm, ReLU, five stride-2 [conv3×3, norm, ReLU], ResNet blocks.
/// </summary>
internal sealed class KernelExtractor : nn.Module<Tensor, Tensor, Tensor>
{
    // Field name is the state-dict name.
    private readonly nn.Module<Tensor, Tensor> model;

    public KernelExtractor(KernelWizardOptions options, Device? device) : base(nameof(KernelExtractor))
    {
        long nf = options.Features;
        long inputChannels = options.ExtractorUsesSharp ? nf * 2 : nf;
        long outputChannels = options.UseVae ? options.KernelDim * 2L : options.KernelDim;
        var layers = new List<nn.Module<Tensor, Tensor>>
        {
            nn.ReflectionPad2d(3),
            nn.Conv2d(inputChannels, nf, 7, bias: false, device: device),
            nn.Identity(),
            nn.ReLU(),
        };
        for (var i = 0; i < 5; i++)
        {
            var mult = 1L << i;
            layers.Add(nn.Conv2d(Math.Min(nf * mult, outputChannels), Math.Min(nf * mult * 2, outputChannels), 3,
                stride: 2, padding: 1, bias: false, device: device));
            layers.Add(nn.Identity());
            layers.Add(nn.ReLU());
        }
        for (var i = 0; i < options.ExtractorBlocks; i++)
            layers.Add(new ResnetBlock(outputChannels, options.ExtractorPadding, options.ExtractorDropout, device));
        model = KernelWizard.Indexed(layers);
        RegisterComponents();
    }

    /// <summary>The code (with the VAE: mean and log-variance concatenated on channels) of a feature pair.</summary>
    public override Tensor forward(Tensor sharp, Tensor blur)
    {
        using var input = cat([sharp, blur], 1);
        return model.forward(input);
    }
}
