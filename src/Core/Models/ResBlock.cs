using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spgd.Core.Models;

/// <summary>
/// guided-diffusion's residual block conditioned on the timestep embedding:
/// in_layers = [GroupNorm, SiLU, conv3×3], emb_layers = [SiLU, linear], out_layers = [GroupNorm, SiLU, dropout, conv3×3],
/// and a skip connection (identity, or a 1×1 conv when the channel count changes). With scale-shift norm the
/// embedding gives (scale, shift) applied as <c>norm(h)·(1+scale)+shift</c>; an up/down block resamples both paths
/// between the input activation and its convolution.
/// </summary>
internal sealed class ResBlock : nn.Module<Tensor, Tensor, Tensor>
{
    // Field names are the state-dict names.
    private readonly ModuleList<nn.Module<Tensor, Tensor>> in_layers;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> emb_layers;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> out_layers;
    private readonly nn.Module<Tensor, Tensor> skip_connection;
    private readonly bool _scaleShift;
    private readonly Resampling _resampling;
    private readonly NormActConvLayers _inChain;
    private readonly NormActConvLayers _outChain;

    public ResBlock(long channels, long embChannels, long outChannels, bool scaleShift, Resampling resampling, double dropout, Device? device)
        : base(nameof(ResBlock))
    {
        _scaleShift = scaleShift;
        _resampling = resampling;
        in_layers = nn.ModuleList<nn.Module<Tensor, Tensor>>(
            new GroupNorm32(channels, device), nn.SiLU(), nn.Conv2d(channels, outChannels, 3, padding: 1, device: device));
        emb_layers = nn.ModuleList<nn.Module<Tensor, Tensor>>(
            nn.SiLU(), nn.Linear(embChannels, scaleShift ? 2 * outChannels : outChannels, device: device));
        out_layers = nn.ModuleList<nn.Module<Tensor, Tensor>>(
            new GroupNorm32(outChannels, device), nn.SiLU(), nn.Dropout(dropout),
            nn.Conv2d(outChannels, outChannels, 3, padding: 1, device: device));
        skip_connection = outChannels == channels
            ? nn.Identity()
            : nn.Conv2d(channels, outChannels, 1, device: device);
        RegisterComponents();
        _inChain = new NormActConvLayers((GroupNorm32)in_layers[0], resampling, (Conv2d)in_layers[2]);
        _outChain = new NormActConvLayers((GroupNorm32)out_layers[0], Resampling.None, (Conv2d)out_layers[3]);
    }

    /// <summary>See <see cref="GuidedDiffusionUNet.RecomputeActivations"/>.</summary>
    public bool RecomputeActivations { get; set; } = true;

    public override Tensor forward(Tensor x, Tensor emb)
    {
        // Block-level scope: intermediates die here (what autograd needs, it holds itself), not at the end of the network.
        using var scope = NewDisposeScope();
        var embOut = emb_layers[1].forward(emb_layers[0].forward(emb)).to(x.dtype).unsqueeze(-1).unsqueeze(-1);
        Tensor h;
        if (RecomputeActivations && !training)
        {
            h = _inChain.Apply(x, null, null);
            if (_scaleShift)
            {
                var scaleShift = embOut.chunk(2, 1);
                h = _outChain.Apply(h, scaleShift[0], scaleShift[1]);
            }
            else
            {
                h = _outChain.Apply(h + embOut, null, null);
            }
        }
        else
        {
            h = PlainForward(x, embOut);
        }
        var skip = skip_connection.forward(Resample.Apply(x, _resampling));
        return scope.MoveToOuter(skip + h);
    }

    // The layer-by-layer path (autograd keeps every intermediate it needs).
    private Tensor PlainForward(Tensor x, Tensor embOut)
    {
        var h = in_layers[1].forward(in_layers[0].forward(x));
        h = in_layers[2].forward(Resample.Apply(h, _resampling));
        if (_scaleShift)
        {
            var scaleShift = embOut.chunk(2, 1);
            h = ((GroupNorm32)out_layers[0]).forward(h, scaleShift[0], scaleShift[1]);
        }
        else
        {
            h = out_layers[0].forward(h + embOut);
        }
        for (int i = 1; i < out_layers.Count; i++) h = out_layers[i].forward(h);
        return h;
    }
}
