using Spgd.Evaluation.Manifests;

namespace Spgd.Evaluation.Tests.Manifests;

public class ImageFileNamesTests
{
    [Fact]
    public void Natural_order_compares_digit_runs_by_value_and_keeps_zero_padded_order()
    {
        string[] names = ["img10.png", "img2.png", "img1.png", "b.png", "a10b2.png", "a10b10.png", "a2.png"];
        Assert.Equal(["a2.png", "a10b2.png", "a10b10.png", "b.png", "img1.png", "img2.png", "img10.png"], ImageFileNames.OrderedImages(names));

        var padded = Enumerable.Range(0, 1200).Select(i => $"{i:D5}.png").Reverse().ToList();
        Assert.Equal(padded.Order(StringComparer.Ordinal), ImageFileNames.OrderedImages(padded));
    }

    [Fact]
    public void Only_png_and_jpeg_files_that_are_not_hidden_are_images()
    {
        Assert.True(ImageFileNames.IsImage("x.PNG"));
        Assert.True(ImageFileNames.IsImage("ILSVRC2012_val_00000001.JPEG"));
        Assert.True(ImageFileNames.IsImage("dir/x.jpg"));
        Assert.False(ImageFileNames.IsImage("README.md"));
        Assert.False(ImageFileNames.IsImage(".hidden.png"));
        Assert.False(ImageFileNames.IsImage("x.npy"));
    }

    [Fact]
    public void Equal_values_with_different_padding_still_have_a_fixed_order()
    {
        Assert.Equal(["001.png", "01.png", "1.png"], ImageFileNames.OrderedImages(["001.png", "1.png", "01.png"]));
    }
}
