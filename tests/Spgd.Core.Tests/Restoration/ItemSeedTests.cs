using Spgd.Core.Restoration;

namespace Spgd.Core.Tests.Restoration;

public class ItemSeedTests
{
    [Fact]
    public void IsAFixedFunctionOfItsInputs()
    {
        // Pinned value, computed independently with Python's hashlib:
        // struct.unpack('<Q', sha256(b'spgd-item/v1|42|9:00000.png|17:inpainting_random|0').digest()[:8]).
        // A change here would silently change every stored job's results.
        Assert.Equal(3379946955402735202UL, ItemSeed.Derive(42, "00000.png", "inpainting_random", 0));
    }

    [Fact]
    public void EveryInputChangesTheSeed()
    {
        var seeds = new[]
        {
            ItemSeed.Derive(42, "00000.png", "inpainting_random", 0),
            ItemSeed.Derive(43, "00000.png", "inpainting_random", 0),
            ItemSeed.Derive(42, "00001.png", "inpainting_random", 0),
            ItemSeed.Derive(42, "00000.png", "gaussian_blur", 0),
            ItemSeed.Derive(42, "00000.png", "inpainting_random", 1),
            ItemSeed.Derive(42, "a|b", "c", 0),
            ItemSeed.Derive(42, "a", "b|c", 0),
        };
        Assert.Equal(seeds.Length, seeds.Distinct().Count());
    }

    [Fact]
    public void SubSeedsDifferFromEachOtherAndFromTheItemSeed()
    {
        var item = ItemSeed.Derive(7, "x", "hdr", 2);
        ulong[] all = [item, ItemSeed.ForOperator(item), ItemSeed.ForNoise(item), ItemSeed.ForStart(item)];
        Assert.Equal(4, all.Distinct().Count());
    }
}
