using Spgd.Core.Checkpoints;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Spgd.Core.Metrics;

/// <summary>
/// LPIPS-VGG16 as piq computes it with <c>replace_pooling=True</c> (the reference evaluation): [0, 1] images normalised
/// by the ImageNet mean and std go through VGG16's convolutions with every max-pool replaced by a 2×2 average pool;
/// the features after relu1_2, relu2_2, relu3_3, relu4_3 and relu5_3 are divided by their channel-wise L2 norm (+1e-10),
/// and the squared differences, weighted per channel by the LPIPS v0.1 linear layers, are averaged over pixels and summed
/// over channels and layers.
/// </summary>
/// <remarks>
/// The weights are not bundled (and cannot be downloaded here): torchvision's <c>vgg16-397923af.pth</c> (or any state dict
/// with <c>features.{0,2,5,…,28}.weight/bias</c>) and LPIPS v0.1's <c>vgg.pth</c> (<c>lin{k}.model.1.weight</c>, 1×C×1×1).
/// </remarks>
public sealed class Lpips : IDisposable
{
    /// <summary>Indices in <c>torchvision.models.vgg16().features</c> of the 13 convolutions, grouped by the five stages
    /// that end at relu1_2, relu2_2, relu3_3, relu4_3 and relu5_3.</summary>
    public static IReadOnlyList<int[]> ConvolutionStages { get; } =
        [[0, 2], [5, 7], [10, 12, 14], [17, 19, 21], [24, 26, 28]];

    /// <summary>Input and output channels of the 13 convolutions, in order.</summary>
    public static IReadOnlyList<(int In, int Out)> ConvolutionChannels { get; } =
        [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 256),
         (256, 512), (512, 512), (512, 512), (512, 512), (512, 512), (512, 512)];

    private static readonly int[] StageChannels = [64, 128, 256, 512, 512];
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];
    private const double NormEpsilon = 1e-10;

    private readonly (Tensor Weight, Tensor Bias)[][] _stages;
    private readonly Tensor[] _linear;
    private readonly Tensor _mean, _std;
    private readonly Device _device;

    private Lpips((Tensor, Tensor)[][] stages, Tensor[] linear, Device device)
    {
        _stages = stages;
        _linear = linear;
        _device = device;
        _mean = tensor(ImageNetMean, [1, 3, 1, 1], device: device);
        _std = tensor(ImageNetStd, [1, 3, 1, 1], device: device);
    }

    /// <summary>Builds LPIPS from state dicts already in memory (the tensors are copied; the dictionaries stay the caller's).</summary>
    /// <param name="vgg">VGG16 weights: <c>features.{i}.weight</c> [out, in, 3, 3] and <c>features.{i}.bias</c> [out] for i in
    /// <see cref="ConvolutionStages"/>. Other keys (e.g. the classifier) are ignored.</param>
    /// <param name="linear">LPIPS v0.1 linear weights <c>lin{k}.model.1.weight</c> [1, C, 1, 1], k = 0..4
    /// (a <c>lin{k}.weight</c> key is accepted too).</param>
    /// <param name="device">Where the network runs; inputs are moved there.</param>
    /// <exception cref="ArgumentException">A key is missing or a tensor has the wrong shape; the message names it.</exception>
    public static Lpips FromStateDicts(IReadOnlyDictionary<string, Tensor> vgg, IReadOnlyDictionary<string, Tensor> linear, Device? device = null)
    {
        device ??= CPU;
        var stages = new (Tensor, Tensor)[ConvolutionStages.Count][];
        int conv = 0;
        for (int s = 0; s < stages.Length; s++)
        {
            stages[s] = new (Tensor, Tensor)[ConvolutionStages[s].Length];
            for (int j = 0; j < ConvolutionStages[s].Length; j++, conv++)
            {
                var (inC, outC) = ConvolutionChannels[conv];
                int index = ConvolutionStages[s][j];
                var w = Take(vgg, $"features.{index}.weight", [outC, inC, 3, 3], "VGG16");
                var b = Take(vgg, $"features.{index}.bias", [outC], "VGG16");
                stages[s][j] = (w.to(device), b.to(device));
            }
        }
        var lin = new Tensor[StageChannels.Length];
        for (int k = 0; k < lin.Length; k++)
        {
            var key = linear.ContainsKey($"lin{k}.weight") ? $"lin{k}.weight" : $"lin{k}.model.1.weight";
            lin[k] = Take(linear, key, [1, StageChannels[k], 1, 1], "LPIPS linear").to(device);
        }
        return new Lpips(stages, lin, device);
    }

    /// <summary>Loads LPIPS from weight files (torch.save zip/legacy or safetensors; see <see cref="CheckpointReader"/>).</summary>
    /// <param name="vggPath">VGG16 weights, e.g. torchvision's <c>vgg16-397923af.pth</c>.</param>
    /// <param name="linearPath">LPIPS v0.1 linear weights, e.g. the <c>lpips</c> package's <c>weights/v0.1/vgg.pth</c>.</param>
    /// <param name="device">Where the network runs.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not a checkpoint.</exception>
    /// <exception cref="ArgumentException">A weight is missing or misshapen; the message names the file and the key.</exception>
    public static Lpips Load(string vggPath, string linearPath, Device? device = null)
    {
        var vgg = CheckpointReader.Load(vggPath);
        var linear = CheckpointReader.Load(linearPath);
        try
        {
            return FromStateDicts(vgg, linear, device);
        }
        catch (ArgumentException e)
        {
            var file = e.Message.StartsWith("VGG16", StringComparison.Ordinal) ? vggPath : linearPath;
            throw new ArgumentException($"{file}: {e.Message}", e);
        }
        finally
        {
            foreach (var t in vgg.Values.Concat(linear.Values)) t.Dispose();
        }
    }

    /// <summary>LPIPS distance of each image of <paramref name="candidate"/> to <paramref name="reference"/>
    /// (NCHW RGB batches in [−1, 1], same shape, at least 16×16). Returns a float32 tensor [N] on the CPU.</summary>
    public Tensor Compute(Tensor reference, Tensor candidate)
    {
        UnitRange.RequireSameBatchShape(reference, candidate, "LPIPS", 16);
        if (reference.shape[1] != 3) throw new ArgumentException($"LPIPS: images must have 3 (RGB) channels, got {reference.shape[1]}");
        var distances = new float[reference.shape[0]];
        // One image at a time: VGG activations at 256×256 are ~50 MB per image and layer.
        for (int i = 0; i < distances.Length; i++)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var fx = Features(reference[i..(i + 1)]);
            var fy = Features(candidate[i..(i + 1)]);
            var total = zeros(1, device: _device);
            for (int k = 0; k < fx.Count; k++)
                total += ((fx[k] - fy[k]).square() * _linear[k]).mean([2, 3]).sum(1);
            distances[i] = total.cpu().item<float>();
        }
        return tensor(distances);
    }

    private List<Tensor> Features(Tensor image)
    {
        var x = (UnitRange.FromSigned(image.to(_device)) - _mean) / _std;
        var features = new List<Tensor>(_stages.Length);
        for (int s = 0; s < _stages.Length; s++)
        {
            if (s > 0) x = F.avg_pool2d(x, [2, 2], [2, 2]);
            foreach (var (w, b) in _stages[s])
                x = F.relu(F.conv2d(x, w, b, padding: [1, 1]));
            var norm = x.square().sum(1, keepdim: true).sqrt();
            features.Add(x / (norm + NormEpsilon));
        }
        return features;
    }

    private static Tensor Take(IReadOnlyDictionary<string, Tensor> dict, string key, long[] shape, string what)
    {
        if (!dict.TryGetValue(key, out var t)) throw new ArgumentException($"{what} weights: key '{key}' is missing");
        if (!t.shape.SequenceEqual(shape))
            throw new ArgumentException($"{what} weights: '{key}' has shape {UnitRange.ShapeText(t)}, expected ({string.Join(", ", shape)})");
        return t.detach().to(ScalarType.Float32).clone();
    }

    /// <summary>Releases the weights.</summary>
    public void Dispose()
    {
        foreach (var stage in _stages)
            foreach (var (w, b) in stage) { w.Dispose(); b.Dispose(); }
        foreach (var l in _linear) l.Dispose();
        _mean.Dispose();
        _std.Dispose();
    }
}
