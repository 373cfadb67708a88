using System.Text.Json;

namespace Spgd.Client.Cluster;

/// <summary>
/// The reasons failed items give, most common first with their counts, read from the items' records
/// (<c>jobs/{job}/items/{item}.json</c>, field <c>error</c>), so a console can say why rather than only how many.
/// </summary>
public static class FailureReasons
{
    /// <summary>Reasons named before the rest are counted.</summary>
    public const int Listed = 3;

    /// <summary>Reason → count, most common first (ties by reason); a record that is missing or unreadable counts as such.</summary>
    public static IReadOnlyList<(string Reason, int Count)> Count(IEnumerable<byte[]?> records) =>
        records.Select(ReasonOf)
            .GroupBy(r => r, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count()))
            .OrderByDescending(r => r.Item2).ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>One line: <c>3× reason A; 1× reason B</c>, at most <see cref="Listed"/> reasons and "and N more".</summary>
    public static string Describe(IReadOnlyList<(string Reason, int Count)> reasons) =>
        string.Join("; ", reasons.Take(Listed).Select(r => $"{r.Count}× {r.Reason}"))
        + (reasons.Count > Listed ? $"; and {reasons.Count - Listed} more reason(s)" : "");

    private static string ReasonOf(byte[]? record)
    {
        if (record is null) return "no record stored";
        try
        {
            using var json = JsonDocument.Parse(record);
            var error = json.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            // The first line: libtorch messages carry backtraces after it.
            return error?.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "no reason recorded";
        }
        catch (JsonException)
        {
            return "record unreadable";
        }
    }
}
