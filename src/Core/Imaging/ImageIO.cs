using StbImageSharp;
using StbImageWriteSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Imaging;

/// <summary>
/// Reads images into the models' layout ([1, 3, size, size] float32 in [−1, 1]) the way the reference data loader
/// does (torchvision ToTensor → Resize(size) → CenterCrop(size) → 2x − 1), and writes PNGs.
/// </summary>
/// <remarks>
/// Decoding is StbImageSharp (PNG, JPEG, BMP, TGA, GIF, PSD, ...); grey images are replicated to RGB and alpha is
/// dropped. Resizing is bilinear with antialiasing (torchvision's default for tensors since 0.17, which follows
/// Pillow): the short side becomes <c>size</c>, the long side floor(size·long/short), then the centre is cropped
/// (offset round-half-even((side − size)/2) as torchvision). Files are checked before they are decoded: the header's
/// dimensions must not exceed <see cref="MaxSide"/> per side or <see cref="MaxPixels"/> in all.
/// </remarks>
public static class ImageIO
{
    /// <summary>Largest accepted width or height.</summary>
    public const int MaxSide = 16384;

    /// <summary>Largest accepted width·height (100 megapixels).</summary>
    public const long MaxPixels = 100_000_000;

    /// <summary>
    /// Largest factor by which the short side is enlarged. A smaller image is refused rather than upscaled: a 1×1 pixel
    /// blown up to 256×256 is a flat square, and restoring it would score detail that was never there. 4 is the
    /// super-resolution task's own factor.
    /// </summary>
    public const int MaxUpscale = 4;

    /// <summary>Loads an image file as [1, 3, size, size] float32 in [−1, 1] (see the class remarks).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Empty, truncated, corrupt, unsupported or oversized image; the message names the file.</exception>
    public static Tensor Load(string path, int size)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: image file not found", path);
        return Decode(File.ReadAllBytes(path), size, path);
    }

    /// <summary>Decodes encoded image bytes as [1, 3, size, size] float32 in [−1, 1]; <paramref name="name"/> labels error messages.</summary>
    /// <exception cref="InvalidDataException">Empty, truncated, corrupt, unsupported, oversized or too small (<see cref="MaxUpscale"/>) image.</exception>
    /// <exception cref="ArgumentOutOfRangeException">size &lt; 1.</exception>
    public static Tensor Decode(byte[] bytes, int size, string name = "image")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "image size must be >= 1");
        var (pixels, width, height) = DecodeRgb(bytes, name);
        if ((long)Math.Min(width, height) * MaxUpscale < size)
            throw new InvalidDataException(
                $"{name}: image is {width}×{height}, too small for {size}×{size} (short side at least {(size + MaxUpscale - 1) / MaxUpscale}: upscaling more than {MaxUpscale}× would invent the detail being restored)");
        using var scope = NewDisposeScope();
        var rgb = tensor(pixels, [height, width, 3], ScalarType.Byte).permute(2, 0, 1).to(ScalarType.Float32) / 255f;
        var square = CenterCrop(ResizeShortSide(rgb, size), size);
        return scope.MoveToOuter((square * 2 - 1).unsqueeze(0).contiguous());
    }

    /// <summary>Writes a [3, H, W] or [1, 3, H, W] image in [−1, 1] (values clipped) as an 8-bit RGB PNG.</summary>
    public static void SavePng(Tensor image, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = EncodePng(image);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>
    /// Encodes a [3, H, W] or [1, 3, H, W] image in [−1, 1] as an 8-bit RGB PNG: (x + 1)/2 clipped to [0, 1],
    /// times 255, rounded (as torchvision's save_image). A single channel is written as grey RGB.
    /// </summary>
    /// <exception cref="ArgumentException">Not one image with 1 or 3 channels.</exception>
    public static byte[] EncodePng(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = NewDisposeScope();
        var chw = image.dim() == 4 && image.shape[0] == 1 ? image[0] : image;
        if (chw.dim() != 3 || chw.shape[0] is not (1 or 3))
            throw new ArgumentException($"expected one image as [3, H, W] or [1, 3, H, W], got shape [{string.Join(", ", image.shape)}]", nameof(image));
        if (chw.shape[0] == 1) chw = chw.expand(3, -1, -1);
        int height = (int)chw.shape[1], width = (int)chw.shape[2];
        var bytes = ((chw.detach().to(ScalarType.Float32, CPU) + 1) * 0.5f).clamp(0, 1).mul(255).add(0.5).floor()
            .to(ScalarType.Byte).permute(1, 2, 0).contiguous().data<byte>().ToArray();
        using var stream = new MemoryStream();
        new ImageWriter().WritePng(bytes, width, height, StbImageWriteSharp.ColorComponents.RedGreenBlue, stream);
        return stream.ToArray();
    }

    private static (byte[] Pixels, int Width, int Height) DecodeRgb(byte[] bytes, string name)
    {
        if (bytes.Length == 0) throw new InvalidDataException($"{name}: image file is empty (0 bytes)");
        if (IsJpeg(bytes)) CheckJpegSegments(bytes, name);
        ImageInfo? info;
        try
        {
            using var header = new MemoryStream(bytes, writable: false);
            info = ImageInfo.FromStream(header);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{name}: unreadable image header{Reason(e)}", e);
        }
        if (info is not { } i)
            throw new InvalidDataException($"{name}: not a supported image (PNG, JPEG, BMP, TGA, GIF, PSD) or corrupt header ({bytes.Length} bytes)");
        if (i.Width < 1 || i.Height < 1 || i.Width > MaxSide || i.Height > MaxSide || (long)i.Width * i.Height > MaxPixels)
            throw new InvalidDataException(
                $"{name}: image header says {i.Width}×{i.Height}; refusing to decode (each side must be 1..{MaxSide} and the area at most {MaxPixels:N0} pixels)");

        ImageResult result;
        try
        {
            result = ImageResult.FromMemory(bytes, StbImageSharp.ColorComponents.RedGreenBlue);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{name}: corrupt or truncated {i.Width}×{i.Height} image{Reason(e)}", e);
        }
        // stb fills a JPEG's missing scan data with grey instead of failing: insist on the end-of-image marker.
        if (IsJpeg(bytes) && !HasJpegEnd(bytes))
            throw new InvalidDataException($"{name}: truncated {i.Width}×{i.Height} JPEG (no end-of-image marker after the last scan)");
        if (result is null || result.Data is null || result.Width != i.Width || result.Height != i.Height || result.Data.Length < (long)result.Width * result.Height * 3)
            throw new InvalidDataException($"{name}: corrupt or truncated image (decoder returned no complete {i.Width}×{i.Height} RGB pixels)");
        return (result.Data, result.Width, result.Height);
    }

    // stb's failure messages can be blank.
    private static string Reason(Exception e)
    {
        // ... or padded with NULs, which would garble a one-line error.
        var message = e.Message.Trim().Trim('\0').Trim();
        return string.IsNullOrWhiteSpace(message) || message.Any(char.IsControl) ? "" : $" ({message})";
    }

    private static bool IsJpeg(byte[] b) => b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;

    // stb spins forever on a JPEG whose header segment lengths run past the end of the data, so walk the header
    // segments (SOI … SOS) first: each marker must be followed by a length that fits in the file.
    private static void CheckJpegSegments(byte[] b, string name)
    {
        var p = 2;
        while (true)
        {
            if (p + 4 > b.Length)
                throw new InvalidDataException($"{name}: truncated JPEG header (ends at byte {b.Length} before the first scan)");
            if (b[p] != 0xFF)
                throw new InvalidDataException($"{name}: corrupt JPEG header (byte {p} is 0x{b[p]:X2}, expected a 0xFF marker)");
            var marker = b[p + 1];
            if (marker == 0xFF) { p++; continue; } // fill byte before a marker
            if (marker is 0x01 or (>= 0xD0 and <= 0xD8)) { p += 2; continue; } // markers without a length
            if (marker == 0xD9) throw new InvalidDataException($"{name}: corrupt JPEG (end-of-image marker before any scan)");
            var length = (b[p + 2] << 8) | b[p + 3];
            if (length < 2 || p + 2 + length > b.Length)
                throw new InvalidDataException(
                    $"{name}: truncated JPEG header (segment 0xFF{marker:X2} at byte {p} claims {length} bytes; the file has {b.Length})");
            if (marker == 0xDA) return; // start of scan: the header is complete
            p += 2 + length;
        }
    }

    // EOI (FF D9) must follow the last start-of-scan (FF DA); inside scans 0xFF is always stuffed (FF 00) or a
    // restart marker, so an FF D9 there is the real end. An EXIF thumbnail's EOI comes before the main scans.
    private static bool HasJpegEnd(byte[] b)
    {
        int lastScan = -1;
        for (int k = b.Length - 2; k >= 0; k--)
            if (b[k] == 0xFF && b[k + 1] == 0xDA) { lastScan = k; break; }
        if (lastScan < 0) return false;
        for (int k = lastScan + 2; k < b.Length - 1; k++)
            if (b[k] == 0xFF && b[k + 1] == 0xD9) return true;
        return false;
    }

    private static Tensor ResizeShortSide(Tensor chw, int size)
    {
        int height = (int)chw.shape[1], width = (int)chw.shape[2];
        int shortSide = Math.Min(height, width), longSide = Math.Max(height, width);
        if (shortSide == size) return chw;
        int newLong = (int)((long)size * longSide / shortSide);
        var (outH, outW) = height <= width ? (size, newLong) : (newLong, size);
        var rows = Weights(height, outH);
        var cols = Weights(width, outW).t();
        return matmul(matmul(rows, chw), cols);
    }

    private static Tensor CenterCrop(Tensor chw, int size)
    {
        int height = (int)chw.shape[1], width = (int)chw.shape[2];
        int top = (int)Math.Round((height - size) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((width - size) / 2.0, MidpointRounding.ToEven);
        return chw[.., TensorIndex.Slice(top, top + size), TensorIndex.Slice(left, left + size)];
    }

    private static Tensor Weights(int inLength, int outLength)
    {
        var m = ResampleFilter.Matrix(inLength, outLength, ResampleFilter.Bilinear);
        var data = new float[outLength * inLength];
        for (int o = 0; o < outLength; o++)
            for (int i = 0; i < inLength; i++) data[o * inLength + i] = (float)m[o, i];
        return tensor(data, [outLength, inLength], ScalarType.Float32);
    }
}
