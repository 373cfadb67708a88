using Spgd.Evaluation.Summaries;
using Spgd.Evaluation.Tests.Statistics;

namespace Spgd.Evaluation.Tests.Summaries;

/// <summary>Synthetic per-item records of a task.</summary>
internal static class Records
{
    /// <summary><paramref name="images"/> × <paramref name="runs"/> succeeded records with seeded PSNR/SSIM/LPIPS.</summary>
    public static List<ItemRecord> Make(int images, int runs, int seed, double psnrShift = 0)
    {
        var psnr = Samples.Normal(images * runs, 27, 2, seed);
        var ssim = Samples.Normal(images * runs, 0.8, 0.05, seed + 1000);
        var lpips = Samples.Normal(images * runs, 0.2, 0.03, seed + 2000);
        var list = new List<ItemRecord>();
        for (var i = 0; i < images; i++)
        for (var r = 0; r < runs; r++)
        {
            var k = i * runs + r;
            list.Add(ItemRecord.Success($"img{i:D3}/pr/{r}", $"img{i:D3}", r, psnr[k] + psnrShift, ssim[k], lpips[k]));
        }

        return list;
    }
}
