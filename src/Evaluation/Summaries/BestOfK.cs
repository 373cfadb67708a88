namespace Spgd.Evaluation.Summaries;

/// <summary>Applies a <see cref="BestOfKSelection"/>: one record per image, the best of its runs.</summary>
public static class BestOfK
{
    /// <summary>
    /// Per image, the succeeded run with the best value of the selection's metric (ties: the lowest run index); an image
    /// whose runs all failed keeps its lowest failed run, so it still counts as failed. Images in ordinal id order.
    /// </summary>
    /// <exception cref="ArgumentException">K is below 1, an image has more than K runs, a run index is ≥ K, or a succeeded
    /// run lacks the deciding metric (e.g. LPIPS was not measured).</exception>
    public static IReadOnlyList<ItemRecord> Select(IEnumerable<ItemRecord> records, BestOfKSelection selection)
    {
        if (selection.K < 1) throw new ArgumentException($"Best-of-K needs K ≥ 1, got {selection.K}.", nameof(selection));
        var chosen = new List<ItemRecord>();
        foreach (var image in ImageRuns.Group(records))
        {
            if (image.Runs.Count > selection.K || image.Runs[^1].Run >= selection.K)
                throw new ArgumentException(
                    $"Image '{image.ImageId}' has runs {string.Join(",", image.Runs.Select(r => r.Run))}, but {selection.Describe()} allows runs 0..{selection.K - 1}.",
                    nameof(records));
            ItemRecord? best = null;
            foreach (var run in image.Runs.Where(r => !r.Failed))
            {
                var v = run.Value(selection.Metric)
                        ?? throw new ArgumentException($"Item '{run.ItemId}' has no {selection.Metric.Name()} to select by.", nameof(records));
                if (best is null || (selection.Metric.HigherIsBetter() ? v > best.Value(selection.Metric) : v < best.Value(selection.Metric))) best = run;
            }

            chosen.Add(best ?? image.Runs[0]);
        }

        return chosen;
    }
}
