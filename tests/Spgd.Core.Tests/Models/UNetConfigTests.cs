using Spgd.Core.Models;
using Spgd.Tests;

namespace Spgd.Core.Tests.Models;

public class UNetConfigTests
{
    [Fact]
    public void FixtureJsonReadsEveryKey()
    {
        var c = UNetConfig.FromJsonFile(TestPaths.Fixture("unet", "config.json"));
        Assert.Equal(64, c.ImageSize);
        Assert.Equal(32, c.NumChannels);
        Assert.Equal(1, c.NumResBlocks);
        Assert.Equal(new double[] { 1, 2, 2 }, c.ChannelMultipliers);
        Assert.Equal(new[] { 4 }, c.AttentionDownsampleFactors);
        Assert.Equal(16, c.NumHeadChannels);
        Assert.True(c.LearnSigma && c.UseScaleShiftNorm && c.ResblockUpdown);
        Assert.False(c.UseFp16 || c.ClassCond || c.UseNewAttentionOrder || c.UseCheckpoint);
        Assert.Equal(6, c.OutChannels);
        Assert.Equal(1_371_974, c.ParameterCount);
    }

    [Fact]
    public void DpsStyleYamlReadsLikeThePreset()
    {
        // The layout of DPS/SPGD's configs/model_config.yaml: Python-style booleans, an integer attention resolution.
        const string yaml = """
            # Defaults for image training.

            image_size: 256
            num_channels: 128
            num_res_blocks: 1
            channel_mult: ""
            learn_sigma: True
            class_cond: False
            use_checkpoint: False
            attention_resolutions: 16
            num_heads: 4
            num_head_channels: 64
            num_heads_upsample: -1
            use_scale_shift_norm: True
            dropout: 0.0
            resblock_updown: True
            use_fp16: False
            use_new_attention_order: False

            model_path: models/ffhq_10m.pt
            """;
        var path = Path.Combine(TestPaths.NewTempDir(), "model_config.yaml");
        File.WriteAllText(path, yaml);
        var c = UNetConfig.FromYamlFile(path);
        Assert.Equal("models/ffhq_10m.pt", c.ModelPath);
        Assert.Equal(UNetConfig.Preset("ffhq256") with { ModelPath = c.ModelPath, AttentionResolutions = "16" }, c);
        Assert.Equal(new double[] { 1, 1, 2, 2, 4, 4 }, c.ChannelMultipliers);
        Assert.Equal(new[] { 16 }, c.AttentionDownsampleFactors);
    }

    [Fact]
    public void PresetsHaveThePublishedSettings()
    {
        var imagenet = UNetConfig.Preset("imagenet256");
        Assert.Equal((256, 2, 64, 4), (imagenet.NumChannels, imagenet.NumResBlocks, imagenet.NumHeadChannels, imagenet.NumHeads));
        Assert.Equal(new[] { 8, 16, 32 }, imagenet.AttentionDownsampleFactors);
        Assert.Equal(new[] { 256, 256, 512, 512, 1024, 1024 }, imagenet.LevelChannels);
        var e = Assert.Throws<ArgumentException>(() => UNetConfig.Preset("celeba"));
        Assert.Contains("ffhq256, imagenet256", e.Message);
    }

    [Theory]
    [InlineData("""{"image_size": 64, "num_channels": 32, "num_res_blocks": 1, "channel_mult": "1,2", "learn_sgima": true}""", "unknown key(s) learn_sgima")]
    [InlineData("""{"image_size": 64, "num_channels": 32}""", "missing required key 'num_res_blocks'")]
    [InlineData("""{"image_size": 96, "num_channels": 32, "num_res_blocks": 1}""", "image_size 96 has no official default")]
    [InlineData("""{"image_size": 64, "num_channels": 48, "num_res_blocks": 1, "channel_mult": "1,2"}""", "48 is not a positive multiple of 32")]
    [InlineData("""{"image_size": 64, "num_channels": 32, "num_res_blocks": 1, "channel_mult": "1,x"}""", "channel_mult must be comma-separated positive integers")]
    [InlineData("""{"image_size": 64, "num_channels": 32, "num_res_blocks": 1, "channel_mult": "1,2", "num_head_channels": 24}""", "not divisible by num_head_channels 24")]
    [InlineData("""{"image_size": 64, "num_channels": 32, "num_res_blocks": 1, "learn_sigma": "maybe"}""", "'learn_sigma' must be true or false")]
    [InlineData("""{"image_size": 64, "num_channels": 32, "num_res_blocks": 1, "dropout": 1.5}""", "dropout must be in [0, 1)")]
    public void InvalidSettingsAreReportedClearly(string json, string expectedMessage)
    {
        var e = Assert.Throws<InvalidDataException>(() => UNetConfig.FromJson(json, "test.json"));
        Assert.Contains(expectedMessage, e.Message);
        Assert.StartsWith("test.json", e.Message);
    }
}
