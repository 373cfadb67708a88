using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Models;

/// <summary>
/// Self-attention over all spatial positions: GroupNorm, a 1×1 conv to q/k/v, multi-head attention, a 1×1
/// output projection and a residual connection. The legacy head layout (guided-diffusion's QKVAttentionLegacy,
/// the published checkpoints' layout) splits heads before q/k/v; the new order (QKVAttention) splits q/k/v first.
/// </summary>
internal sealed class AttentionBlock : nn.Module<Tensor, Tensor>
{
    // Field names are the state-dict names.
    private readonly GroupNorm32 norm;
    private readonly nn.Module<Tensor, Tensor> qkv;
    private readonly nn.Module<Tensor, Tensor> proj_out;
    private readonly long _heads;
    private readonly bool _newOrder;

    public AttentionBlock(long channels, int numHeads, int numHeadChannels, bool newOrder, Device? device) : base(nameof(AttentionBlock))
    {
        _heads = numHeadChannels == -1 ? numHeads : channels / numHeadChannels;
        _newOrder = newOrder;
        norm = new GroupNorm32(channels, device);
        qkv = nn.Conv1d(channels, channels * 3, 1, device: device);
        proj_out = nn.Conv1d(channels, channels, 1, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope(); // intermediates die with the block; autograd keeps what it needs
        var shape = x.shape;
        var flat = x.reshape(shape[0], shape[1], -1);
        var h = proj_out.forward(Attend(qkv.forward(norm.forward(flat))));
        return scope.MoveToOuter((flat + h).reshape(shape));
    }

    private Tensor Attend(Tensor qkvTensor)
    {
        long batch = qkvTensor.shape[0], width = qkvTensor.shape[1], length = qkvTensor.shape[2];
        long ch = width / (3 * _heads);
        Tensor q, k, v;
        if (_newOrder)
        {
            var parts = qkvTensor.chunk(3, 1);
            (q, k, v) = (parts[0].reshape(batch * _heads, ch, length), parts[1].reshape(batch * _heads, ch, length),
                parts[2].reshape(batch * _heads, ch, length));
        }
        else
        {
            var parts = qkvTensor.reshape(batch * _heads, ch * 3, length).split(ch, 1);
            (q, k, v) = (parts[0], parts[1], parts[2]);
        }
        // Scaling q and k by ch^(-1/4) each (rather than the product by ch^(-1/2)) follows the reference's rounding.
        double scale = 1 / Math.Sqrt(Math.Sqrt(ch));
        var weight = torch.bmm((q * scale).transpose(1, 2), k * scale);      // [b·heads, t, s]
        // Softmax in at least float32 (reduced-precision logits are widened, as the reference does; float64 stays).
        weight = weight.dtype == ScalarType.Float64 ? weight.softmax(-1) : weight.to(ScalarType.Float32).softmax(-1).to(weight.dtype);
        var attended = torch.bmm(v, weight.transpose(1, 2));                 // [b·heads, ch, t]
        return attended.reshape(batch, -1, length);
    }
}
