using Spgd.Core.Arrays;
using Spgd.Core.Checkpoints;
using Spgd.Core.Models;
using Spgd.Core.Tests.Checkpoints;
using Spgd.Tests;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Models;

public class GuidedDiffusionUNetTests(ITestOutputHelper output)
{
    private static UNetConfig FixtureConfig => UNetConfig.FromJsonFile(TestPaths.Fixture("unet", "config.json"));

    [Fact]
    public void FixtureConfigBuildsExactlyTheCheckpointsKeysAndShapes()
    {
        using var net = new GuidedDiffusionUNet(FixtureConfig, torch.META);
        var expected = ShapeList.Read(TestPaths.Fixture("unet", "state_dict_shapes.txt"));
        Assert.Equal(expected, net.ParameterShapes.Select(p => (p.Key, CheckpointTensorInfo.FormatShape(p.Shape))).ToList());
        Assert.Equal(FixtureConfig.ParameterCount, net.ParameterCount);
    }

    [Theory]
    [InlineData("ffhq256", 362, 93_563_910L)]
    [InlineData("imagenet256", 566, 552_814_086L)]
    public void PresetsBuildThePublishedCheckpointsKeysAndShapes(string preset, int tensors, long parameters)
    {
        // On the meta device: names and shapes only, no memory for the 0.5 G parameters.
        using var net = new GuidedDiffusionUNet(UNetConfig.Preset(preset), torch.META);
        var expected = ShapeList.Read(TestPaths.Fixture("presets", $"{preset}_state_dict_shapes.txt"));
        var actual = net.ParameterShapes.Select(p => (p.Key, CheckpointTensorInfo.FormatShape(p.Shape))).ToList();
        Assert.Equal(expected, actual);
        Assert.Equal(tensors, actual.Count);
        Assert.Equal(parameters, net.ParameterCount);
        Assert.Equal(parameters, expected.Sum(e => ShapeList.Elements(e.Shape)));
    }

    [Theory]
    [InlineData("checkpoint.pt", 1e-4)]
    // The fp16 file holds the same weights rounded to half precision (each within 2⁻¹¹ relative, checked in
    // CheckpointReaderTests); the reference output comes from the float32 weights, so the rounding (≈3e-4 RMS
    // relative per weight) propagates through the network: 1.0e-3 measured, bounded here at 5e-3.
    [InlineData("checkpoint-legacy-fp16.pt", 5e-3)]
    public void OutputMatchesTheReference(string checkpoint, double tolerance)
    {
        using var scope = NewDisposeScope();
        using var net = new GuidedDiffusionUNet(FixtureConfig);
        net.LoadWeights(TestPaths.Fixture("unet", checkpoint));
        var x = NpyFile.Read(TestPaths.Fixture("unet", "x.npy")).ToTensor();
        var t = NpyFile.Read(TestPaths.Fixture("unet", "t.npy")).ToTensor();
        var reference = NpyFile.Read(TestPaths.Fixture("unet", "output.npy")).ToTensor();

        using var noGrad = no_grad();
        var result = net.forward(x, t);
        Assert.Equal(reference.shape, result.shape);
        double error = RelativeL2(result, reference);
        output.WriteLine($"{checkpoint}: relative L2 error {error:E3}");
        Assert.True(error < tolerance, $"relative L2 error {error} ≥ {tolerance}");
    }

    [Fact]
    public void WeightsNeverRequireGradButTheInputGetsOne()
    {
        using var scope = NewDisposeScope();
        using var net = new GuidedDiffusionUNet(FixtureConfig);
        Assert.All(net.parameters(), p => Assert.False(p.requires_grad));
        var x = torch.randn([1, 3, 64, 64], generator: new Generator(1)).requires_grad_(true);
        net.forward(x, torch.tensor(new float[] { 10f })).sum().backward();
        Assert.NotNull(x.grad);
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
        Assert.All(net.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void TimestepEmbeddingIsCosThenSin()
    {
        using var scope = NewDisposeScope();
        var e = GuidedDiffusionUNet.TimestepEmbedding(torch.tensor(new float[] { 0f, 2f }), 4);
        // half = 2: frequencies 1 and 10000^(-1/2) = 0.01.
        var expected = new[] { 1f, 1f, 0f, 0f, MathF.Cos(2), MathF.Cos(0.02f), MathF.Sin(2), MathF.Sin(0.02f) };
        var actual = e.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-6f);
    }

    [Fact]
    public void AStateDictWithAMissingKeyIsRejectedNamingIt()
    {
        var path = WriteFixtureWeights(weights => weights.Remove("middle_block.1.qkv.weight"));
        using var net = new GuidedDiffusionUNet(FixtureConfig);
        var e = Assert.Throws<StateDictMismatchException>(() => net.LoadWeights(path));
        Assert.Equal(["middle_block.1.qkv.weight"], e.Missing);
        Assert.Empty(e.Unexpected);
        Assert.Contains("'middle_block.1.qkv.weight'", e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void AStateDictWithAnUnexpectedKeyIsRejectedNamingIt()
    {
        var path = WriteFixtureWeights(weights => weights["label_emb.weight"] = torch.zeros(1000, 128));
        using var net = new GuidedDiffusionUNet(FixtureConfig);
        var e = Assert.Throws<StateDictMismatchException>(() => net.LoadWeights(path));
        Assert.Equal(["label_emb.weight"], e.Unexpected);
        Assert.Empty(e.Missing);
        Assert.Contains("unexpected", e.Message);
    }

    [Fact]
    public void AShapeMismatchNamesTheKeyAndBothShapes()
    {
        var path = WriteFixtureWeights(weights => weights["out.2.weight"] = torch.zeros(3, 32, 3, 3));
        using var net = new GuidedDiffusionUNet(FixtureConfig);
        var e = Assert.Throws<StateDictMismatchException>(() => net.LoadWeights(path));
        var mismatch = Assert.Single(e.ShapeMismatches);
        Assert.Equal("out.2.weight", mismatch.Key);
        Assert.Contains("'out.2.weight': model 6x32x3x3, checkpoint 3x32x3x3", e.Message);
    }

    [Fact]
    public void ALearnSigmaCheckpointDoesNotLoadIntoAThreeChannelModel()
    {
        using var net = new GuidedDiffusionUNet(FixtureConfig with { LearnSigma = false });
        var e = Assert.Throws<StateDictMismatchException>(() => net.LoadWeights(TestPaths.Fixture("unet", "checkpoint.pt")));
        Assert.Equal(["out.2.weight", "out.2.bias"], e.ShapeMismatches.Select(m => m.Key));
    }

    [Fact]
    public void VariantsWithConvResamplersNewAttentionOrderAndClassLabelsBuildAndRun()
    {
        var config = FixtureConfig with
        {
            ResblockUpdown = false, UseNewAttentionOrder = true, NumHeadChannels = -1, NumHeads = 2,
            UseScaleShiftNorm = false, LearnSigma = false, ClassCond = true, ParameterCount = null,
        };
        using var scope = NewDisposeScope();
        using var net = new GuidedDiffusionUNet(config);
        var keys = net.ParameterShapes.ToDictionary(p => p.Key, p => CheckpointTensorInfo.FormatShape(p.Shape));
        Assert.Equal("32x32x3x3", keys["input_blocks.2.0.op.weight"]);       // Downsample: stride-2 conv "op"
        Assert.Equal("64x64x3x3", keys["output_blocks.3.1.conv.weight"]);    // Upsample: conv "conv" after the ResBlock
        Assert.Equal("64x64x3x3", keys["output_blocks.1.2.conv.weight"]);    // … or after the attention block
        Assert.Equal("1000x128", keys["label_emb.weight"]);
        Assert.Equal("32x128", keys["input_blocks.1.0.emb_layers.1.weight"]);  // no scale-shift: out_ch rows, not 2·out_ch
        Assert.Equal("3x32x3x3", keys["out.2.weight"]);

        var x = torch.randn([2, 3, 64, 64], generator: new Generator(3));
        using var noGrad = no_grad();
        var y = net.forward(x, torch.tensor(new float[] { 5, 500 }), torch.tensor(new long[] { 1, 999 }));
        Assert.Equal(new long[] { 2, 3, 64, 64 }, y.shape);
        Assert.True(y.isfinite().all().item<bool>());
        Assert.Throws<ArgumentException>(() => net.forward(x, torch.tensor(new float[] { 5, 500 })));
    }

    [Fact]
    public void NewAttentionOrderEqualsLegacyOrderWithPermutedQkvWeights()
    {
        // QKVAttention splits q/k/v before heads, the legacy layout heads before q/k/v: the same attention once the
        // qkv conv's output rows are permuted from [head][qkv][c] to [qkv][head][c].
        using var scope = NewDisposeScope();
        var legacyConfig = FixtureConfig;
        using var legacy = new GuidedDiffusionUNet(legacyConfig);
        legacy.LoadWeights(TestPaths.Fixture("unet", "checkpoint.pt"));
        using var reordered = new GuidedDiffusionUNet(legacyConfig with { UseNewAttentionOrder = true });
        var weights = CheckpointReader.Load(TestPaths.Fixture("unet", "checkpoint.pt"));
        foreach (var key in weights.Keys.Where(k => k.EndsWith(".qkv.weight") || k.EndsWith(".qkv.bias")).ToList())
        {
            var w = weights[key];
            long width = w.shape[0], channels = width / 3, heads = channels / legacyConfig.NumHeadChannels, ch = legacyConfig.NumHeadChannels;
            var rest = w.shape.Skip(1).ToArray();
            weights[key] = w.reshape([heads, 3, ch, .. rest]).transpose(0, 1).reshape([width, .. rest]).contiguous();
        }
        var path = Path.Combine(TestPaths.NewTempDir(), "reordered.safetensors");
        CheckpointReader.SaveSafetensors(path, weights);
        reordered.LoadWeights(path);

        var x = NpyFile.Read(TestPaths.Fixture("unet", "x.npy")).ToTensor();
        var t = NpyFile.Read(TestPaths.Fixture("unet", "t.npy")).ToTensor();
        using var noGrad = no_grad();
        Assert.True(RelativeL2(reordered.forward(x, t), legacy.forward(x, t)) < 1e-6);
    }

    internal static double RelativeL2(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        var a = actual.detach().to(ScalarType.Float64);
        var b = expected.to(ScalarType.Float64);
        return (a - b).norm().item<double>() / b.norm().item<double>();
    }

    /// <summary>Writes the fixture weights, edited, as a safetensors file.</summary>
    private static string WriteFixtureWeights(Action<Dictionary<string, Tensor>> edit)
    {
        var weights = CheckpointReader.Load(TestPaths.Fixture("unet", "checkpoint.pt"));
        edit(weights);
        var path = Path.Combine(TestPaths.NewTempDir(), "edited.safetensors");
        CheckpointReader.SaveSafetensors(path, weights);
        foreach (var w in weights.Values) w.Dispose();
        return path;
    }
}
