using static TorchSharp.torch;

namespace Spgd.Core.Operators;

/// <summary>Inpainting masks drawn from a seed as the reference draws them (1 keeps a pixel), [1, 1, H, W] float32 on the CPU.</summary>
public static class InpaintingMasks
{
    /// <summary>Drops exactly floor(H·W·dropFraction) pixels chosen uniformly without replacement (same pixels in every channel).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Sizes not positive or fraction outside [0, 1].</exception>
    public static Tensor Random(int height, int width, double dropFraction, ulong seed)
    {
        CheckSize(height, width);
        if (!(dropFraction >= 0 && dropFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(dropFraction), dropFraction, "drop fraction must be in [0, 1]");
        long total = (long)height * width;
        long dropped = (long)Math.Floor(total * dropFraction);
        using var random = new SeededRandom(seed);
        using var scope = NewDisposeScope();
        var mask = ones(total, ScalarType.Float32);
        var order = randperm(total, generator: random.Generator);
        mask.index_fill_(0, order[TensorIndex.Slice(0, dropped)], 0f);
        return scope.MoveToOuter(mask.reshape(1, 1, height, width));
    }

    /// <summary>
    /// Zeroes a boxSize×boxSize square (clipped to the image). With <see cref="BoxPlacement.Random"/> its top-left
    /// corner is uniform in [margin, side − margin − box) per axis (the reference's <c>random_sq_bbox</c>); when
    /// that range is empty, or with <see cref="BoxPlacement.Center"/>, the box is centred.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Sizes not positive or negative margin.</exception>
    public static Tensor Box(int height, int width, int boxSize, int margin, BoxPlacement placement, ulong seed)
    {
        CheckSize(height, width);
        if (boxSize < 1) throw new ArgumentOutOfRangeException(nameof(boxSize), boxSize, "box size must be >= 1");
        if (margin < 0) throw new ArgumentOutOfRangeException(nameof(margin), margin, "box margin must be >= 0");
        int boxH = Math.Min(boxSize, height), boxW = Math.Min(boxSize, width);
        int top, left;
        using (var random = new SeededRandom(seed))
        {
            top = Corner(height, boxH, margin, placement, random);
            left = Corner(width, boxW, margin, placement, random);
        }
        using var scope = NewDisposeScope();
        var mask = ones(1, 1, height, width, ScalarType.Float32);
        mask[.., .., TensorIndex.Slice(top, top + boxH), TensorIndex.Slice(left, left + boxW)] = 0f;
        return scope.MoveToOuter(mask);
    }

    private static int Corner(int side, int box, int margin, BoxPlacement placement, SeededRandom random)
    {
        int max = side - margin - box; // exclusive, like numpy's randint
        return placement == BoxPlacement.Random && max > margin ? random.Integer(margin, max) : (side - box) / 2;
    }

    private static void CheckSize(int height, int width)
    {
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), $"mask size must be positive, got {height}×{width}");
    }
}
