namespace Spgd.Grains.Aggregation;

/// <summary>
/// Keys of the aggregators, one per table cell: <c>{job}/{task}</c>, or <c>{job}/{task}#{point key}</c> for a grid point
/// of a sweep (grid-point keys are ASCII slugs without '/' or '#', so the key splits back unambiguously).
/// </summary>
public static class AggregatorKeys
{
    /// <summary>The aggregator key of (job, task, grid point).</summary>
    public static string Of(string jobId, string task, string? pointKey) =>
        pointKey is null ? $"{jobId}/{task}" : $"{jobId}/{task}#{pointKey}";

    /// <summary>Splits an aggregator key back into job, task and grid-point key (null without a sweep).</summary>
    public static (string Job, string Task, string? PointKey) Parse(string key)
    {
        var slash = key.LastIndexOf('/');
        if (slash <= 0) throw new ArgumentException($"Aggregator key '{key}' is not '{{job}}/{{task}}[#{{point}}]'.", nameof(key));
        var cell = key[(slash + 1)..];
        var hash = cell.IndexOf('#');
        return hash < 0 ? (key[..slash], cell, null) : (key[..slash], cell[..hash], cell[(hash + 1)..]);
    }
}
