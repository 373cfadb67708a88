using System.Text;
using Spgd.Core.Imaging;

namespace Spgd.Core.Tests.Imaging;

/// <summary>JPEG headers whose segment lengths run past the data used to send stb's decoder into an endless loop.</summary>
public sealed class HostileJpegTests
{
    public static TheoryData<string, byte[]> Files => new()
    {
        { "APP0 length beyond the end", [0xFF, 0xD8, 0xFF, 0xE0, .. Encoding.ASCII.GetBytes("JFIF garbage that is not a JPEG stream")] },
        { "SOI only", [0xFF, 0xD8, 0xFF] },
        { "no marker after SOI", [0xFF, 0xD8, 0xFF, 0xD8, 0x12, 0x34, 0x56, 0x78] },
        { "EOI before any scan", [0xFF, 0xD8, 0xFF, 0xD9, 0x00, 0x00] },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task A_JPEG_with_a_broken_header_is_refused_rather_than_decoded_forever(string what, byte[] bytes)
    {
        // Run off the test thread so a regression fails instead of hanging the whole test run.
        var decode = Task.Run(() => Assert.Throws<InvalidDataException>(() => ImageIO.Decode(bytes, 32, "hostile.jpg")));
        var error = await decode.WaitAsync(TimeSpan.FromMinutes(1)); // throws TimeoutException if decoding never ends
        Assert.StartsWith("hostile.jpg: ", error.Message);
        Assert.Contains("JPEG", error.Message);
        Assert.False(string.IsNullOrEmpty(what));
    }
}
