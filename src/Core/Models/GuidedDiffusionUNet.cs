using Spgd.Core.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spgd.Core.Models;

/// <summary>
/// The guided-diffusion ("ADM") UNet of Dhariwal &amp; Nichol, as built by the official <c>create_model</c>:
/// sinusoidal timestep embedding and MLP, an encoder of residual blocks (with attention at the configured
/// resolutions) and down-samplers, a middle block (ResBlock, attention, ResBlock), a decoder that concatenates the
/// encoder's activations, and a GroupNorm–SiLU–conv head. Parameter names are those of the official state dict
/// (<c>input_blocks.0.0.weight</c>, <c>middle_block.1.qkv.weight</c>, <c>out.2.bias</c>, …), so its checkpoints load as is.
/// </summary>
/// <remarks>
/// Weights never require gradients (the samplers differentiate with respect to the input only); the module is
/// put in eval mode (dropout off). Computation is float32 unless <see cref="UsePrecision"/> puts the torso in bf16/fp16. A module holds no per-call state, but TorchSharp
/// modules are not documented as thread-safe: call <see cref="forward(Tensor, Tensor)"/> from one thread at a time.
/// </remarks>
public sealed class GuidedDiffusionUNet : nn.Module<Tensor, Tensor, Tensor>
{
    // Field names are the state-dict names.
    private readonly Sequential time_embed;
    private readonly Embedding? label_emb;
    private readonly ModuleList<TimestepSequential> input_blocks;
    private readonly TimestepSequential middle_block;
    private readonly ModuleList<TimestepSequential> output_blocks;
    private readonly Sequential @out;
    private readonly NormActConvLayers _head;
    private bool _recompute = true;

    /// <summary>Builds the network for <paramref name="config"/> with placeholder weights on <paramref name="device"/>
    /// (CPU when null). Pass <c>torch.META</c> to inspect names and shapes without allocating any memory.</summary>
    /// <exception cref="ArgumentException">The config is invalid (see <see cref="UNetConfig.Problems"/>).</exception>
    public GuidedDiffusionUNet(UNetConfig config, Device? device = null) : base(nameof(GuidedDiffusionUNet))
    {
        config.Validate();
        Config = config;
        int modelChannels = config.NumChannels;
        long embDim = modelChannels * 4;
        var levels = config.LevelChannels;
        var attentionAt = config.AttentionDownsampleFactors.ToHashSet();
        int headsUp = config.NumHeadsUpsample == -1 ? config.NumHeads : config.NumHeadsUpsample;

        ResBlock Res(long inCh, long outCh, Resampling resampling = Resampling.None) =>
            new(inCh, embDim, outCh, config.UseScaleShiftNorm, resampling, config.Dropout, device);
        AttentionBlock Attention(long ch, int heads) =>
            new(ch, heads, config.NumHeadChannels, config.UseNewAttentionOrder, device);

        time_embed = nn.Sequential(
            nn.Linear(modelChannels, embDim, device: device), nn.SiLU(), nn.Linear(embDim, embDim, device: device));
        if (config.ClassCond) label_emb = nn.Embedding(config.NumClasses, embDim, device: device);

        long ch = levels[0];
        input_blocks = new ModuleList<TimestepSequential>(new TimestepSequential(nn.Conv2d(config.InChannels, ch, 3, padding: 1, device: device)));
        var skipChannels = new Stack<long>([ch]);
        int ds = 1;
        for (int level = 0; level < levels.Count; level++)
        {
            for (int i = 0; i < config.NumResBlocks; i++)
            {
                var layers = new List<nn.Module> { Res(ch, levels[level]) };
                ch = levels[level];
                if (attentionAt.Contains(ds)) layers.Add(Attention(ch, config.NumHeads));
                input_blocks.Add(new TimestepSequential([.. layers]));
                skipChannels.Push(ch);
            }
            if (level == levels.Count - 1) continue;
            input_blocks.Add(new TimestepSequential(config.ResblockUpdown ? Res(ch, ch, Resampling.Down) : new Downsample(ch, device)));
            skipChannels.Push(ch);
            ds *= 2;
        }

        middle_block = new TimestepSequential(Res(ch, ch), Attention(ch, config.NumHeads), Res(ch, ch));

        output_blocks = new ModuleList<TimestepSequential>();
        for (int level = levels.Count - 1; level >= 0; level--)
        {
            for (int i = 0; i <= config.NumResBlocks; i++)
            {
                var layers = new List<nn.Module> { Res(ch + skipChannels.Pop(), levels[level]) };
                ch = levels[level];
                if (attentionAt.Contains(ds)) layers.Add(Attention(ch, headsUp));
                if (level > 0 && i == config.NumResBlocks)
                {
                    layers.Add(config.ResblockUpdown ? Res(ch, ch, Resampling.Up) : new Upsample(ch, device));
                    ds /= 2;
                }
                output_blocks.Add(new TimestepSequential([.. layers]));
            }
        }

        var headNorm = new GroupNorm32(ch, device);
        var headConv = nn.Conv2d(levels[0], config.OutChannels, 3, padding: 1, device: device);
        @out = nn.Sequential(headNorm, nn.SiLU(), headConv);
        _head = new NormActConvLayers(headNorm, Resampling.None, headConv);
        RegisterComponents();

        foreach (var p in parameters()) p.requires_grad = false;
        eval();
    }

    /// <summary>The hyper-parameters this network was built from.</summary>
    public UNetConfig Config { get; }

    /// <summary>The torso's arithmetic (see <see cref="UNetPrecision"/>); float32 until <see cref="UsePrecision"/>.</summary>
    public UNetPrecision Precision { get; private set; } = UNetPrecision.Fp32;

    /// <summary>
    /// Converts the torso's convolution weights (input, middle and output blocks, attention projections included) to
    /// <paramref name="precision"/>'s type, once, after the weights are loaded, as guided-diffusion's
    /// <c>convert_to_fp16</c> does. The timestep MLP, the embedding projections, GroupNorm's affine terms and the head
    /// stay float32. Converting back to float32 is refused: the rounding already happened.
    /// </summary>
    public void UsePrecision(UNetPrecision precision)
    {
        if (precision == Precision) return;
        if (Precision != UNetPrecision.Fp32)
            throw new InvalidOperationException($"the torso is already {Precision.Name()}; load the weights again for {precision.Name()}");
        var type = precision.ElementType();
        foreach (var torso in new nn.Module[] { input_blocks, middle_block, output_blocks })
            foreach (var module in torso.modules())
                if (module is Conv2d or Conv1d) module.to(type);
        Precision = precision;
    }

    /// <summary>
    /// Whether a gradient pass recomputes the cheap elementwise part of each GroupNorm → SiLU → conv chain whose
    /// activations outweigh its weights (<see cref="NormActConvLayers.RecomputePays"/>) in the backward instead of keeping
    /// its intermediate activations (on by default: about a third of the activation memory, for a few per cent more
    /// time). Forward values are identical either way; input gradients agree to float32 round-off.
    /// Only in eval mode (dropout off); set it before use, not during a call.
    /// </summary>
    public bool RecomputeActivations
    {
        get => _recompute;
        set
        {
            _recompute = value;
            foreach (var block in modules().OfType<ResBlock>()) block.RecomputeActivations = value;
        }
    }

    /// <summary>Total number of weights.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Every state-dict key with its shape, in registration order.</summary>
    public IReadOnlyList<(string Key, long[] Shape)> ParameterShapes =>
        named_parameters().Select(np => (np.name, np.parameter.shape)).ToList();

    /// <summary>The raw network output for images <paramref name="x"/> [N, 3, H, W] at continuous timesteps
    /// <paramref name="timesteps"/> ([N], or a single value for the whole batch): [N, OutChannels, H, W], whose first
    /// three channels are the predicted noise ε.</summary>
    public override Tensor forward(Tensor x, Tensor timesteps) => forward(x, timesteps, null);

    /// <summary>As <see cref="forward(Tensor, Tensor)"/>, with ImageNet class labels [N] (int64) for a class-conditional model.</summary>
    public Tensor forward(Tensor x, Tensor timesteps, Tensor? classLabels)
    {
        if (x.dim() != 4 || x.shape[1] != Config.InChannels)
            throw new ArgumentException($"expected images [N, {Config.InChannels}, H, W], got [{string.Join(", ", x.shape)}]", nameof(x));
        long factor = 1L << (Config.LevelChannels.Count - 1);
        if (x.shape[2] % factor != 0 || x.shape[3] % factor != 0)
            throw new ArgumentException($"image size {x.shape[2]}x{x.shape[3]} must be divisible by the UNet's down-sampling factor {factor}", nameof(x));
        if ((classLabels is null) != (label_emb is null))
            throw new ArgumentException(label_emb is null ? "this UNet is unconditional; do not pass class labels" : "this UNet is class-conditional; class labels are required");

        var t = timesteps.dim() == 0 || timesteps.numel() == 1 ? timesteps.reshape(1).expand(x.shape[0]) : timesteps;
        if (t.dim() != 1 || t.shape[0] != x.shape[0])
            throw new ArgumentException($"expected {x.shape[0]} timesteps, got shape [{string.Join(", ", timesteps.shape)}]", nameof(timesteps));

        // The sinusoid is computed in float32 (the reference's rounding) and handed to the MLP in its weights' type.
        var sinusoid = TimestepEmbedding(t.to(x.device), Config.NumChannels);
        var emb = time_embed.forward(sinusoid.to(time_embed.parameters().First().dtype));
        if (label_emb is not null) emb = emb + label_emb.forward(classLabels!);

        // Transient activations are disposed as soon as they are consumed: what the backward needs, autograd holds
        // itself, so the forward's footprint stays at the saved activations plus a couple of live tensors.
        using var scope = NewDisposeScope();
        var skips = new Stack<Tensor>();
        var torsoType = Precision == UNetPrecision.Fp32 ? x.dtype : Precision.ElementType();
        var h = x.to(torsoType);
        foreach (var block in input_blocks)
        {
            h = block.forward(h, emb);
            skips.Push(h);
        }
        h = middle_block.forward(h, emb);
        foreach (var block in output_blocks)
        {
            var skip = skips.Pop();
            var input = torch.cat([h, skip], 1);
            h.Dispose();
            skip.Dispose();
            h = block.forward(input, emb);
            input.Dispose();
        }
        if (h.dtype != x.dtype) h = h.to(x.dtype); // the head runs in the input's type (float32), as the reference's
        var output = _recompute && !training ? _head.Apply(h, null, null) : @out.forward(h);
        return scope.MoveToOuter(output);
    }

    /// <summary>Copies a checkpoint's weights into this network after a strict check of every key and shape.</summary>
    /// <exception cref="StateDictMismatchException">The checkpoint does not fit this architecture.</exception>
    public void LoadWeights(CheckpointFile checkpoint) => StateDictLoader.LoadStrict(this, checkpoint);

    /// <summary>Opens <paramref name="checkpointPath"/> (torch.save zip/legacy or safetensors) and loads it strictly.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not a checkpoint, or a malformed one.</exception>
    /// <exception cref="StateDictMismatchException">The checkpoint does not fit this architecture.</exception>
    public void LoadWeights(string checkpointPath)
    {
        using var file = CheckpointReader.Open(checkpointPath);
        LoadWeights(file);
    }

    /// <summary>Sinusoidal embedding of continuous timesteps [N] → [N, dim]: <c>[cos(t·f), sin(t·f)]</c> with
    /// <c>f_i = exp(−ln(10000)·i/half)</c>, zero-padded when dim is odd (guided-diffusion's <c>timestep_embedding</c>).</summary>
    public static Tensor TimestepEmbedding(Tensor timesteps, int dim, double maxPeriod = 10000)
    {
        int half = dim / 2;
        // Same float32 operation order as the reference: (−ln P · i) / half, then exp.
        var freqs = (torch.arange(half, dtype: ScalarType.Float32, device: timesteps.device) * (-Math.Log(maxPeriod)) / half).exp();
        var args = timesteps.to(ScalarType.Float32).unsqueeze(1) * freqs.unsqueeze(0);
        var embedding = torch.cat([args.cos(), args.sin()], -1);
        return dim % 2 == 0 ? embedding : torch.cat([embedding, torch.zeros_like(embedding[.., ..1])], -1);
    }
}
