using Spgd.Core.Models;
using Spgd.Tests;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Models;

public class UNetCostModelTests(ITestOutputHelper output)
{
    // One level of 32 channels at 8×8, no up/down-sampling, plain (non scale-shift) residual blocks, one attention head
    // (the middle block's), 3 output channels: every term can be written down by hand.
    private static readonly UNetConfig Tiny = new()
    {
        ImageSize = 8, NumChannels = 32, NumResBlocks = 1, ChannelMult = "1", AttentionResolutions = "4",
        NumHeads = 1, NumHeadChannels = -1, UseScaleShiftNorm = false, ResblockUpdown = false, LearnSigma = false,
    };

    [Fact]
    public void TinyConfigMatchesAHandCount()
    {
        const double area = 8 * 8, c = 32, emb = 128;
        double conv3(double cin, double cout) => 2 * cin * cout * 9 * area;
        double conv1(double cin, double cout) => 2 * cin * cout * area;
        double expectedConv =
            conv3(3, c)                                             // input conv
            + 2 * conv3(c, c)                                       // encoder residual block
            + 2 * (2 * conv3(c, c))                                 // middle residual blocks
            + conv1(c, 3 * c) + conv1(c, c)                         // middle attention q/k/v and projection
            + 2 * (conv3(2 * c, c) + conv3(c, c) + conv1(2 * c, c)) // two decoder blocks on [h, skip], 1×1 skip conv
            + conv3(c, 3);                                          // head
        double expectedLinear = 2 * c * emb + 2 * emb * emb + 5 * (2 * emb * c); // time MLP + 5 residual blocks
        double expectedAttention = 2 * (2 * c * area * area);                    // qᵀk and v·softmax

        var cost = UNetCostModel.Estimate(Tiny, batch: 1);
        Assert.Equal(expectedConv, cost.ConvolutionFlops);
        Assert.Equal(expectedLinear, cost.LinearFlops);
        Assert.Equal(expectedAttention, cost.AttentionFlops);

        var batch3 = UNetCostModel.Estimate(Tiny, batch: 3);
        Assert.Equal(3 * cost.ForwardFlops, batch3.ForwardFlops, 6);
        Assert.Equal(3 * cost.SavedActivationElements, batch3.SavedActivationElements, 6);
    }

    [Fact]
    public void ParameterCountsMatchTheBuiltNetworks()
    {
        var configs = new[]
        {
            Tiny,
            UNetConfig.FromJsonFile(TestPaths.Fixture("unet", "config.json")),
            UNetConfig.Preset("ffhq256"),
            UNetConfig.Preset("imagenet256"),
            UNetConfig.Preset("ffhq256") with { ResblockUpdown = false, UseScaleShiftNorm = false, ChannelMult = "1,2,2,4" , AttentionResolutions = "32,16" },
        };
        foreach (var config in configs)
        {
            using var net = new GuidedDiffusionUNet(config, META);
            Assert.Equal(net.ParameterCount, UNetCostModel.Estimate(config).ParameterCount);
        }
    }

    [Fact]
    public void Ffhq256ForwardMultiplyAddsMatchThePapersFigure()
    {
        // The paper: 96.9 TFLOPs per image for T = 100, N = 5, i.e. 500 network evaluations; that is 194 G per
        // evaluation, which is the forward's multiply-ADD count (half our FLOP count), as FLOP counters such as fvcore
        // and thop report it.
        var cost = UNetCostModel.Estimate(UNetConfig.Preset("ffhq256"));
        double multiplyAdds = cost.MatmulFlops / 2;
        output.WriteLine($"ffhq256 256²: forward {cost.ForwardFlops / 1e9:0.0} GFLOPs, matmul {cost.MatmulFlops / 1e9:0.0} GFLOPs " +
            $"(conv {cost.ConvolutionFlops / 1e9:0.0}, attention {cost.AttentionFlops / 1e9:0.00}), saved activations {cost.SavedActivationBytes / (1 << 20):0} MiB, " +
            $"with recompute {cost.SavedActivationBytesWithRecompute / (1 << 20):0} MiB");
        Assert.InRange(cost.SavedActivationBytesWithRecompute / cost.SavedActivationBytes, 0.25, 0.6);
        Assert.InRange(multiplyAdds * 500 / 96.9e12, 0.97, 1.03);
        Assert.Equal(93_563_910L, cost.ParameterCount);
    }

    [Fact]
    public void RejectsSizesTheNetworkCannotTake()
    {
        var e = Assert.Throws<ArgumentException>(() => UNetCostModel.Estimate(UNetConfig.Preset("ffhq256"), 1, 100));
        Assert.Contains("32", e.Message);
    }
}

public class AcceleratorProjectionTests(ITestOutputHelper output)
{
    [Fact]
    public void ProjectionScalesWithTheRatesAndTheBatch()
    {
        var cost = UNetCostModel.Estimate(UNetConfig.Preset("ffhq256"));
        foreach (var device in AcceleratorProjection.Standard)
            output.WriteLine($"{device.Name}: {device.SecondsPerGradientPass(cost) * 1e3:0.0} ms per gradient pass, {device.SecondsPerImage(cost, 500):0.0} s per image, " +
                $"with weight gradients {device.SecondsPerImage(cost, 500, weightGradients: true):0.0} s");
        Assert.True(h100WithWeights() > AcceleratorProjection.H100Tf32.SecondsPerGradientPass(cost));
        double h100WithWeights() => AcceleratorProjection.H100Tf32.SecondsPerGradientPass(cost, weightGradients: true);
        var h100 = AcceleratorProjection.H100Tf32;
        var twiceAsFast = h100 with { DenseTflops = 2 * h100.DenseTflops, MemoryTBps = 2 * h100.MemoryTBps };
        Assert.Equal(h100.SecondsPerGradientPass(cost) / 2, twiceAsFast.SecondsPerGradientPass(cost), 9);
        // Matmul part alone: 2·matmul + attention FLOPs at 35 % of 494.7 TFLOP/s.
        var noMemory = h100 with { MemoryTBps = double.PositiveInfinity };
        Assert.Equal((2 * cost.MatmulFlops + cost.AttentionFlops) / (494.7e12 * 0.35), noMemory.SecondsPerGradientPass(cost), 12);
        var batch4 = UNetCostModel.Estimate(UNetConfig.Preset("ffhq256"), batch: 4);
        Assert.Equal(h100.SecondsPerImage(cost, 500), h100.SecondsPerImage(batch4, 500), 9);
    }
}
