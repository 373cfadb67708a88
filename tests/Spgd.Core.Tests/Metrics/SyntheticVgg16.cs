using Spgd.Core.Metrics;
using TorchSharp;

namespace Spgd.Core.Tests.Metrics;

/// <summary>
/// The VGG16 feature weights the lpips/ fixture was computed with (fixtures README): for convolution l = 0..12,
/// weight[i] = sin(0.37·i + l)·√(3/fan_in) over the flat (out, in, kh, kw) index i, bias[j] = 0.01·cos(0.11·j + l),
/// in float64, then float32. Stands in for the 528 MB torchvision download.
/// </summary>
internal static class SyntheticVgg16
{
    public static Dictionary<string, torch.Tensor> StateDict()
    {
        var dict = new Dictionary<string, torch.Tensor>();
        int l = 0;
        foreach (var index in Lpips.ConvolutionStages.SelectMany(s => s))
        {
            var (inC, outC) = Lpips.ConvolutionChannels[l];
            int fanIn = inC * 9;
            double scale = Math.Sqrt(3.0 / fanIn);
            var w = new float[outC * fanIn];
            for (int i = 0; i < w.Length; i++) w[i] = (float)(Math.Sin(0.37 * i + l) * scale);
            var b = new float[outC];
            for (int j = 0; j < b.Length; j++) b[j] = (float)(0.01 * Math.Cos(0.11 * j + l));
            dict[$"features.{index}.weight"] = torch.tensor(w, [outC, inC, 3, 3]);
            dict[$"features.{index}.bias"] = torch.tensor(b, [outC]);
            l++;
        }
        return dict;
    }
}
