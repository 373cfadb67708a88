using Spgd.Core.Imaging;
using Spgd.Tests;
using StbImageWriteSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Imaging;

public sealed class ImageIOTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir("imageio");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Png(int width, int height, ColorComponents components, Func<int, int, int, byte> pixel)
    {
        int channels = components switch { ColorComponents.Grey => 1, ColorComponents.GreyAlpha => 2, ColorComponents.RedGreenBlue => 3, _ => 4 };
        var data = new byte[width * height * channels];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++) data[(y * width + x) * channels + c] = pixel(x, y, c);
        using var stream = new MemoryStream();
        new ImageWriter().WritePng(data, width, height, components, stream);
        return stream.ToArray();
    }

    [Fact]
    public void DemoImageLoadsAsOneRgbImageInRange()
    {
        using var x = ImageIO.Load(Path.Combine(TestPaths.FfhqDemo, "00000.png"), 256);
        Assert.Equal(new long[] { 1, 3, 256, 256 }, x.shape);
        Assert.Equal(ScalarType.Float32, x.dtype);
        Assert.True(x.min().item<float>() >= -1f && x.max().item<float>() <= 1f);
        Assert.True(x.std().item<float>() > 0.1f); // a real photo, not a constant
    }

    [Fact]
    public void EncodeThenDecodeRoundTripsWithinOneLevel()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(4, CPU);
        var image = rand([1, 3, 32, 48], generator: g) * 2 - 1;
        var bytes = ImageIO.EncodePng(image);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        var path = Path.Combine(_dir, "sub", "round.png");
        ImageIO.SavePng(image[0], path);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        // Non-square: decoding at the short side crops the centre 32×32 of the 48 columns.
        var decoded = ImageIO.Decode(bytes, 32);
        var centre = image[.., .., .., TensorIndex.Slice(8, 40)];
        Assert.True((decoded - centre).abs().max().item<float>() <= 1f / 255 + 1e-6f); // half a level each way in [0,1] = 1/255 in [-1,1]
    }

    [Fact]
    public void GreyAndRgbaBecomeRgb()
    {
        var grey = Png(8, 8, ColorComponents.Grey, (x, y, c) => (byte)(x * 30));
        using var g = ImageIO.Decode(grey, 8);
        Assert.Equal(new long[] { 1, 3, 8, 8 }, g.shape);
        Assert.True(g[0, 0].equal(g[0, 1]).all().item<bool>() && g[0, 1].equal(g[0, 2]).all().item<bool>());
        Assert.Equal(30 * 3 / 255f * 2 - 1, g[0, 0, 5, 3].item<float>(), 5);

        var rgba = Png(8, 8, ColorComponents.RedGreenBlueAlpha, (x, y, c) => c == 3 ? (byte)0 : (byte)(c * 100));
        using var a = ImageIO.Decode(rgba, 8);
        Assert.Equal(new long[] { 1, 3, 8, 8 }, a.shape);
        Assert.Equal(100 / 255f * 2 - 1, a[0, 1, 4, 4].item<float>(), 5); // alpha dropped, colour kept
        Assert.Equal(-1f, a[0, 0, 4, 4].item<float>());
    }

    [Theory]
    [InlineData(40, 20, 10)] // landscape: short side (height) 20 → 10, width 20, centre crop
    [InlineData(20, 60, 16)] // portrait
    [InlineData(10, 10, 24)] // up-scaling
    public void NonSquareImagesAreResizedThenCentreCropped(int width, int height, int size)
    {
        var png = Png(width, height, ColorComponents.RedGreenBlue, (x, y, c) => (byte)((x * 7 + y * 3 + c * 50) % 256));
        using var x = ImageIO.Decode(png, size);
        Assert.Equal(new long[] { 1, 3, size, size }, x.shape);
        Assert.True(x.min().item<float>() >= -1f && x.max().item<float>() <= 1f);
    }

    [Theory]
    [InlineData(1, 1, 64)]
    [InlineData(15, 300, 64)] // the short side decides
    public void ImagesTooSmallToUpscaleAreRefusedNamingTheirSize(int width, int height, int size)
    {
        var png = Png(width, height, ColorComponents.RedGreenBlue, (x, y, c) => (byte)(x + y + c));
        var e = Assert.Throws<InvalidDataException>(() => ImageIO.Decode(png, size, "tiny.png"));
        Assert.StartsWith($"tiny.png: image is {width}×{height}, too small for {size}×{size}", e.Message);
        using var justEnough = ImageIO.Decode(Png(16, 16, ColorComponents.RedGreenBlue, (x, y, c) => (byte)x), 64); // exactly 4×
        Assert.Equal(new long[] { 1, 3, 64, 64 }, justEnough.shape);
    }

    [Fact]
    public void ResizeIsAntialiasedBilinearAndCropIsCentred()
    {
        // Columns alternate 0/255 on a 4×8 image; down to 2 rows (short side) the antialiased bilinear filter
        // spans 4 columns, so each output pixel averages equal amounts of black and white.
        var png = Png(8, 4, ColorComponents.Grey, (x, y, c) => (byte)(x % 2 == 0 ? 0 : 255));
        using var x = ImageIO.Decode(png, 2);
        Assert.Equal(new long[] { 1, 3, 2, 2 }, x.shape);
        Assert.True(x.abs().max().item<float>() < 0.2f);

        // A 6×4 image with a distinct value per column: at size 4 no resize happens, the crop keeps columns 1..4.
        var ramp = Png(6, 4, ColorComponents.Grey, (x, y, c) => (byte)(x * 40));
        using var r = ImageIO.Decode(ramp, 4);
        Assert.Equal(40 / 255f * 2 - 1, r[0, 0, 0, 0].item<float>(), 5);
        Assert.Equal(160 / 255f * 2 - 1, r[0, 0, 0, 3].item<float>(), 5);
    }

    [Fact]
    public void EmptyFileIsRejectedWithItsName()
    {
        var path = Path.Combine(_dir, "empty.png");
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<InvalidDataException>(() => ImageIO.Load(path, 64));
        Assert.Contains(path, e.Message);
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void CorruptFileIsRejectedWithItsName()
    {
        var path = Path.Combine(_dir, "noise.png");
        File.WriteAllBytes(path, Enumerable.Range(0, 500).Select(i => (byte)(i * 37 % 251)).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => ImageIO.Load(path, 64));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void TruncatedFileIsRejectedWithItsName()
    {
        var png = Png(64, 64, ColorComponents.RedGreenBlue, (x, y, c) => (byte)((x * 13 + y * 29 + c * 71) % 256));
        var path = Path.Combine(_dir, "truncated.png");
        File.WriteAllBytes(path, png[..(png.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => ImageIO.Load(path, 64));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void JpegLoadsAndTruncatedJpegIsRejected()
    {
        var data = new byte[64 * 64 * 3];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i / 3 % 64 * 4);
        using var stream = new MemoryStream();
        new ImageWriter().WriteJpg(data, 64, 64, ColorComponents.RedGreenBlue, stream, 90);
        var jpeg = stream.ToArray();
        using var x = ImageIO.Decode(jpeg, 64, "ok.jpg");
        Assert.Equal(new long[] { 1, 3, 64, 64 }, x.shape);
        // A gradient along x survives JPEG: left dark, right bright.
        Assert.True(x[0, 0, 32, 60].item<float>() - x[0, 0, 32, 3].item<float>() > 1.5f);

        var path = Path.Combine(_dir, "truncated.jpg");
        File.WriteAllBytes(path, jpeg[..(jpeg.Length * 2 / 3)]);
        var e = Assert.Throws<InvalidDataException>(() => ImageIO.Load(path, 64));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData(100_000, 10)]     // one side too long
    [InlineData(12_000, 12_000)]  // 144 MP
    public void HugeHeaderIsRefusedBeforeDecoding(int width, int height)
    {
        // A valid PNG signature and IHDR claiming an absurd size, with no pixel data at all.
        var png = Png(1, 1, ColorComponents.RedGreenBlue, (_, _, _) => 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        var path = Path.Combine(_dir, "huge.png");
        File.WriteAllBytes(path, png);
        var e = Assert.Throws<InvalidDataException>(() => ImageIO.Load(path, 64));
        Assert.Contains(path, e.Message);
        Assert.Contains($"{width}×{height}", e.Message);
        Assert.Contains("refusing", e.Message);
    }

    [Fact]
    public void MissingFileAndBadArgumentsAreRejected()
    {
        Assert.Throws<FileNotFoundException>(() => ImageIO.Load(Path.Combine(_dir, "none.png"), 64));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageIO.Decode([1, 2, 3], 0));
        using var batch = zeros(2, 3, 8, 8);
        Assert.Throws<ArgumentException>(() => ImageIO.EncodePng(batch));
    }
}
