using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Models;

/// <summary>A sequence of layers where residual blocks also receive the timestep embedding
/// (guided-diffusion's TimestepEmbedSequential); children are named 0, 1, 2… as in the state dict.</summary>
internal sealed class TimestepSequential : nn.Module<Tensor, Tensor, Tensor>
{
    // A plain list, not a module field, so the children are registered only under their indices.
    private readonly List<nn.Module> _layers;

    public TimestepSequential(params nn.Module[] layers) : base(nameof(TimestepSequential))
    {
        _layers = [.. layers];
        for (int i = 0; i < layers.Length; i++) register_module(i.ToString(System.Globalization.CultureInfo.InvariantCulture), layers[i]);
    }

    public override Tensor forward(Tensor x, Tensor emb)
    {
        foreach (var layer in _layers)
        {
            x = layer switch
            {
                nn.Module<Tensor, Tensor, Tensor> conditioned => conditioned.forward(x, emb),
                nn.Module<Tensor, Tensor> plain => plain.forward(x),
                _ => throw new InvalidOperationException($"layer {layer.GetName()} cannot be applied to an activation"),
            };
        }
        return x;
    }
}
