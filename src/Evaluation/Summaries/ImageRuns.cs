namespace Spgd.Evaluation.Summaries;

/// <summary>The records of one image, runs in ascending order.</summary>
internal sealed record ImageRuns(string ImageId, IReadOnlyList<ItemRecord> Runs)
{
    /// <summary>
    /// Groups records by image in ordinal image-id order, runs ascending: a canonical order, so summaries do not depend
    /// on the order in which items finished. Rejects two records for one item or one (image, run).
    /// </summary>
    public static IReadOnlyList<ImageRuns> Group(IEnumerable<ItemRecord> records)
    {
        var items = new HashSet<string>(StringComparer.Ordinal);
        var groups = new SortedDictionary<string, List<ItemRecord>>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            if (!items.Add(r.ItemId)) throw new ArgumentException($"Item '{r.ItemId}' is recorded twice.", nameof(records));
            if (r.Run < 0) throw new ArgumentException($"Item '{r.ItemId}' has negative run {r.Run}.", nameof(records));
            if (!r.Failed && r.Psnr is null)
                throw new ArgumentException($"Item '{r.ItemId}' succeeded but has no PSNR.", nameof(records));
            if (!groups.TryGetValue(r.ImageId, out var list)) groups[r.ImageId] = list = [];
            list.Add(r);
        }

        return groups.Select(g =>
        {
            var runs = g.Value.OrderBy(r => r.Run).ToList();
            for (var i = 1; i < runs.Count; i++)
                if (runs[i].Run == runs[i - 1].Run)
                    throw new ArgumentException($"Image '{g.Key}' has two records for run {runs[i].Run}: '{runs[i - 1].ItemId}' and '{runs[i].ItemId}'.", nameof(records));
            return new ImageRuns(g.Key, runs);
        }).ToList();
    }

    /// <summary>The values of <paramref name="metric"/> over the runs that have one, in run order.</summary>
    public IReadOnlyList<double> Values(EvaluationMetric metric) =>
        Runs.Select(r => r.Value(metric)).Where(v => v.HasValue).Select(v => v!.Value).ToList();
}
