using Spgd.Contracts.Jobs;

namespace Spgd.Grains.Datasets;

/// <summary>
/// What a data set takes from a listing, the same for a folder and a blob prefix: the <c>start_index</c>/<c>end_index</c>
/// range (and at most <see cref="DatasetRef.Count"/> files when positive), and each image's id (the file name without
/// extension, or the full name where two files share a stem).
/// </summary>
public static class DatasetSelection
{
    /// <summary>The images of <paramref name="files"/> (already in evaluation order) that <paramref name="dataset"/> selects.</summary>
    /// <exception cref="InvalidDataException">Nothing is selected; the message names <paramref name="location"/>.</exception>
    public static IReadOnlyList<DatasetImage> Images(IReadOnlyList<string> files, DatasetRef dataset, string location)
    {
        var selected = files;
        if (dataset.StartIndex is not null || dataset.EndIndex is not null)
        {
            var start = Math.Clamp(dataset.StartIndex ?? 0, 0, files.Count);
            var end = Math.Clamp(dataset.EndIndex ?? files.Count, start, files.Count);
            selected = files.Skip(start).Take(end - start).ToList();
        }

        if (dataset.Count > 0) selected = selected.Take(dataset.Count).ToList();
        if (selected.Count == 0)
            throw new InvalidDataException(files.Count == 0
                ? $"Data set '{location}' contains no image files ({string.Join(", ", ImageFiles.Extensions)})."
                : $"Data set '{location}' has {files.Count} images, but the range [{dataset.StartIndex ?? 0}, {dataset.EndIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "end"}) selects none.");
        var stems = selected.GroupBy(f => Path.GetFileNameWithoutExtension(f), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return selected.Select(f =>
        {
            var stem = Path.GetFileNameWithoutExtension(f);
            return new DatasetImage(stems[stem] == 1 ? stem : f, f);
        }).ToList();
    }
}
