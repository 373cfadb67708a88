using Spgd.Core.Operators;

namespace Spgd.Core.Tests.Operators;

public class TaskNamesTests
{
    [Theory]
    [InlineData("inpainting_random", TaskNames.InpaintingRandom)]
    [InlineData("inpainting_rand", TaskNames.InpaintingRandom)]
    [InlineData("Inpainting-Box", TaskNames.InpaintingBox)]
    [InlineData("gaussian_blur", TaskNames.GaussianBlur)]
    [InlineData("gaussian_deblur", TaskNames.GaussianBlur)]
    [InlineData("motion_blur", TaskNames.MotionBlur)]
    [InlineData("down_sampling", TaskNames.SuperResolution)]
    [InlineData("super_resolution", TaskNames.SuperResolution)]
    [InlineData("phase_retrieval", TaskNames.PhaseRetrieval)]
    [InlineData("high_dynamic_range", TaskNames.Hdr)]
    [InlineData(" HDR ", TaskNames.Hdr)]
    public void AliasesMapToCanonicalNames(string name, string expected) => Assert.Equal(expected, TaskNames.Normalize(name));

    [Fact]
    public void CanonicalNamesAreFixedPoints()
    {
        Assert.Equal(8, TaskNames.All.Count);
        foreach (var name in TaskNames.All) Assert.Equal(name, TaskNames.Normalize(name));
    }

    [Theory]
    [InlineData("random", TaskNames.InpaintingRandom)]
    [InlineData("box", TaskNames.InpaintingBox)]
    public void InpaintingTakesTheReferenceMaskType(string maskType, string expected) =>
        Assert.Equal(expected, TaskNames.Normalize("inpainting", maskType));

    [Fact]
    public void BareInpaintingIsAmbiguous()
    {
        var e = Assert.Throws<ArgumentException>(() => TaskNames.Normalize("inpainting"));
        Assert.Contains("ambiguous", e.Message);
        Assert.Contains("inpainting_random", e.Message);
        Assert.Throws<ArgumentException>(() => TaskNames.Normalize("inpainting", "extreme"));
    }

    [Fact]
    public void UnknownNameListsTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => TaskNames.Normalize("colorization"));
        Assert.Contains("'colorization'", e.Message);
        foreach (var name in TaskNames.All) Assert.Contains(name, e.Message);
        Assert.False(TaskNames.IsKnown("colorization"));
        Assert.True(TaskNames.IsKnown("down_sampling"));
    }
}
