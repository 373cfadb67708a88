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
    }

    public override Tensor forward(Tensor x, Tensor emb)
    {
        var h = in_layers[1].forward(in_layers[0].forward(x));
        if (_resampling != Resampling.None)
        {
            h = Resample.Apply(h, _resampling);
            x = Resample.Apply(x, _resampling);
        }
        h = in_layers[2].forward(h);

        var embOut = emb_layers[1].forward(emb_layers[0].forward(emb)).to(h.dtype).unsqueeze(-1).unsqueeze(-1);
        if (_scaleShift)
        {
            var scaleShift = embOut.chunk(2, 1);
            h = out_layers[0].forward(h) * (scaleShift[0] + 1) + scaleShift[1];
        }
        else
        {
            h = out_layers[0].forward(h + embOut);
        }
        for (int i = 1; i < out_layers.Count; i++) h = out_layers[i].forward(h);
        return skip_connection.forward(x) + h;
    }
}
