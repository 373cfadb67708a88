namespace Spgd.Core.Models;

/// <summary>
/// Counts the FLOPs, parameters and autograd memory of a <see cref="GuidedDiffusionUNet"/> from its
/// <see cref="UNetConfig"/>, walking the same block structure as the network's constructor (no tensors are made).
/// </summary>
/// <remarks>
/// Conventions: a multiply-add is 2 FLOPs (convolution 2·C_in·C_out·k²·H_out·W_out, linear 2·in·out, attention
/// 2·C·L² per matmul); biases are not counted. Elementwise costs per element: GroupNorm
/// <see cref="GroupNormFlopsPerElement"/>, SiLU <see cref="SiluFlopsPerElement"/>, softmax
/// <see cref="SoftmaxFlopsPerElement"/>, residual add 1, scale-shift 2, q/k scaling 1, 2×2 average pooling 1 per
/// input element, nearest up-sampling and concatenation 0. The sinusoidal timestep features are ignored.
/// </remarks>
public static class UNetCostModel
{
    /// <summary>GroupNorm: mean (1), variance (3), normalisation (2), affine (2).</summary>
    public const int GroupNormFlopsPerElement = 8;

    /// <summary>SiLU x·σ(x): exp, add, divide, multiply.</summary>
    public const int SiluFlopsPerElement = 4;

    /// <summary>Softmax: max, subtract, exp, sum, divide.</summary>
    public const int SoftmaxFlopsPerElement = 5;

    /// <summary>Counts one evaluation of <paramref name="config"/>'s network on <paramref name="batch"/> images of
    /// <paramref name="size"/>² pixels (defaults to the config's image size).</summary>
    /// <exception cref="ArgumentException">Invalid config, or a size the network cannot take.</exception>
    public static UNetCost Estimate(UNetConfig config, int batch = 1, int? size = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        int side = size ?? config.ImageSize;
        var levels = config.LevelChannels;
        int factor = 1 << (levels.Count - 1);
        if (side <= 0 || side % factor != 0)
            throw new ArgumentException($"image size {side} must be a positive multiple of the UNet's down-sampling factor {factor}", nameof(size));

        var t = new Tally(batch);
        long embDim = 4L * config.NumChannels;
        var attentionAt = config.AttentionDownsampleFactors.ToHashSet();
        int headsUp = config.NumHeadsUpsample == -1 ? config.NumHeads : config.NumHeadsUpsample;

        // Timestep MLP: linear, SiLU, linear (per image).
        t.Linear(config.NumChannels, embDim);
        t.Elementwise(SiluFlopsPerElement * embDim);
        t.Linear(embDim, embDim);
        if (config.ClassCond) t.Parameters += config.NumClasses * embDim;

        long ch = levels[0];
        long res = side;
        t.Conv(config.InChannels, ch, 3, res, res);
        t.SaveAlways(config.InChannels * res * res);
        var skips = new Stack<long>([ch]);
        int ds = 1;
        for (int level = 0; level < levels.Count; level++)
        {
            for (int i = 0; i < config.NumResBlocks; i++)
            {
                ResBlock(t, config, embDim, ch, levels[level], res, Resampling.None);
                ch = levels[level];
                if (attentionAt.Contains(ds)) Attention(t, config, ch, res * res, config.NumHeads);
                skips.Push(ch);
            }
            if (level == levels.Count - 1) continue;
            if (config.ResblockUpdown) ResBlock(t, config, embDim, ch, ch, res, Resampling.Down);
            else { t.Conv(ch, ch, 3, res / 2, res / 2); t.SaveAlways(ch * res * res); }
            res /= 2;
            skips.Push(ch);
            ds *= 2;
        }

        ResBlock(t, config, embDim, ch, ch, res, Resampling.None);
        Attention(t, config, ch, res * res, config.NumHeads);
        ResBlock(t, config, embDim, ch, ch, res, Resampling.None);

        for (int level = levels.Count - 1; level >= 0; level--)
        {
            for (int i = 0; i <= config.NumResBlocks; i++)
            {
                long input = ch + skips.Pop();
                t.Activation(input * res * res); // the concatenation
                ResBlock(t, config, embDim, input, levels[level], res, Resampling.None);
                ch = levels[level];
                if (attentionAt.Contains(ds)) Attention(t, config, ch, res * res, headsUp);
                if (level > 0 && i == config.NumResBlocks)
                {
                    if (config.ResblockUpdown) ResBlock(t, config, embDim, ch, ch, res, Resampling.Up);
                    else { t.Activation(ch * res * res * 4); t.Conv(ch, ch, 3, res * 2, res * 2); t.SaveAlways(ch * res * res * 4); }
                    res *= 2;
                    ds /= 2;
                }
            }
        }

        // Head: GroupNorm, SiLU, 3×3 conv.
        long head = ch * res * res;
        t.GroupNorm(ch, res * res);
        t.Elementwise(SiluFlopsPerElement * head);
        t.Chain(head, ch * config.OutChannels * 9, 3 * head);
        t.Conv(ch, config.OutChannels, 3, res, res);

        return new UNetCost(batch, side, t.ConvFlops, t.LinearFlops, t.AttentionFlops, t.NormFlops, t.OtherFlops,
            t.Parameters, t.Saved, t.SavedRecompute, t.Largest);
    }

    // in_layers = GroupNorm, SiLU, [resample], conv3×3; emb projection; out_layers = GroupNorm, (scale-shift), SiLU, conv3×3; skip.
    private static void ResBlock(Tally t, UNetConfig config, long embDim, long cin, long cout, long res, Resampling resampling)
    {
        long outRes = resampling switch { Resampling.Down => res / 2, Resampling.Up => res * 2, _ => res };
        long inArea = res * res, outArea = outRes * outRes;

        t.GroupNorm(cin, inArea);
        t.Elementwise(SiluFlopsPerElement * cin * inArea);
        double resampledSaved; // what the resampling and the convolution keep
        switch (resampling)
        {
            case Resampling.Down:
                // avg_pool2d keeps its input for the backward; the skip path pools x too (x is already saved).
                t.Elementwise(2 * cin * inArea);
                resampledSaved = cin * inArea + cin * outArea;
                break;
            case Resampling.Up:
                t.Activation(cin * outArea);
                resampledSaved = cin * outArea;
                break;
            default:
                resampledSaved = cin * inArea;
                break;
        }
        t.Chain(cin * inArea, cout * cin * 9, 2 * cin * inArea + resampledSaved); // + GroupNorm input and SiLU input
        t.Conv(cin, cout, 3, outRes, outRes);

        t.Elementwise(SiluFlopsPerElement * embDim);
        t.Linear(embDim, config.UseScaleShiftNorm ? 2 * cout : cout);

        t.GroupNorm(cout, outArea);
        t.Elementwise((config.UseScaleShiftNorm ? 2 : 1) * cout * outArea);
        t.Elementwise(SiluFlopsPerElement * cout * outArea);
        t.Chain(cout * outArea, cout * cout * 9, 3 * cout * outArea); // GroupNorm input, SiLU input, conv input
        t.Conv(cout, cout, 3, outRes, outRes);

        if (cin != cout) t.Conv(cin, cout, 1, outRes, outRes); // its input (x) is already saved by the GroupNorm
        t.Elementwise(cout * outArea);                         // residual add
    }

    // GroupNorm, 1×1 conv to q/k/v, per-head softmax(qᵀk/√c)·v, 1×1 projection, residual add.
    private static void Attention(Tally t, UNetConfig config, long ch, long length, int numHeads)
    {
        long heads = config.NumHeadChannels == -1 ? numHeads : ch / config.NumHeadChannels;
        t.GroupNorm(ch, length);
        t.Conv(ch, 3 * ch, 1, length, 1);
        t.Elementwise(2 * ch * length);                                     // q and k scaling
        t.Attention(2.0 * ch * length * length);                            // qᵀk over all heads
        t.Activation(heads * length * length);
        t.Elementwise(SoftmaxFlopsPerElement * heads * length * length);
        t.Attention(2.0 * ch * length * length);                            // v·softmax
        t.Conv(ch, ch, 1, length, 1);
        t.Elementwise(ch * length);
        // Saved: block input and normalised input, the q/k/v tensor (kept alive by v), scaled q and k, softmax output,
        // attention output (projection input).
        t.SaveAlways(ch * length * (1 + 1 + 3 + 2 + 1) + heads * length * length);
    }

    private enum Resampling { None, Down, Up }

    private sealed class Tally(int batch)
    {
        public double ConvFlops, LinearFlops, AttentionFlops, NormFlops, OtherFlops, Saved, SavedRecompute, Largest;
        public long Parameters;

        public void Conv(long cin, long cout, int kernel, long outHeight, long outWidth)
        {
            ConvFlops += 2.0 * batch * cin * cout * kernel * kernel * outHeight * outWidth;
            Parameters += cin * cout * kernel * kernel + cout;
            Activation(cout * outHeight * outWidth);
        }

        // Per image; the embedding MLP runs once per image.
        public void Linear(long inFeatures, long outFeatures)
        {
            LinearFlops += 2.0 * batch * inFeatures * outFeatures;
            Parameters += inFeatures * outFeatures + outFeatures;
        }

        public void GroupNorm(long channels, long area)
        {
            NormFlops += (double)GroupNormFlopsPerElement * batch * channels * area;
            Parameters += 2 * channels;
            Activation(channels * area);
        }

        public void Attention(double flopsPerImage) => AttentionFlops += batch * flopsPerImage;

        public void Elementwise(double flopsPerImage) => OtherFlops += batch * flopsPerImage;

        // What plain autograd keeps.
        public void Save(double elementsPerImage) => Saved += batch * elementsPerImage;

        // What it keeps when GroupNorm→SiLU→conv chains are recomputed in the backward.
        public void SaveWhenRecomputing(double elementsPerImage) => SavedRecompute += batch * elementsPerImage;

        // A GroupNorm→SiLU→conv chain: plain autograd keeps `plainPerImage`; with recomputation the chain keeps only its
        // input where NormActConvLayers.RecomputePays, else what plain autograd keeps.
        public void Chain(double inputPerImage, long weightElements, double plainPerImage)
        {
            Save(plainPerImage);
            bool recomputed = NormActConvLayers.RecomputePays((long)(batch * inputPerImage), weightElements);
            SaveWhenRecomputing(recomputed ? inputPerImage : plainPerImage);
        }

        // Kept either way.
        public void SaveAlways(double elementsPerImage)
        {
            Save(elementsPerImage);
            SaveWhenRecomputing(elementsPerImage);
        }

        public void Activation(double elementsPerImage) => Largest = Math.Max(Largest, batch * elementsPerImage);
    }
}
