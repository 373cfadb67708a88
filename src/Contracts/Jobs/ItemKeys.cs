namespace Spgd.Contracts.Jobs;

/// <summary>
/// Deterministic names of a job's items and of the blobs they produce. A retry writes to the same
/// keys, so an item that ran twice leaves exactly one (identical) copy of its results.
/// </summary>
public static class ItemKeys
{
    /// <summary>The item identifier <c>{task}/{image}-run{r}</c>.</summary>
    public static string ItemId(string task, string imageId, int run) => $"{task}/{imageId}-run{run}";

    /// <summary>Prefix of every blob of a job.</summary>
    public static string JobPrefix(string jobId) => $"jobs/{jobId}/";

    /// <summary>Restored image of an item: <c>jobs/{job}/items/{task}/{image}-run{r}.png</c>.</summary>
    public static string RestoredPng(string jobId, string itemId) => $"jobs/{jobId}/items/{itemId}.png";

    /// <summary>An item's measurement shown in image space: <c>jobs/{job}/items/{item}.measurement.png</c>.</summary>
    public static string MeasurementPng(string jobId, string itemId) => $"jobs/{jobId}/items/{itemId}.measurement.png";

    /// <summary>An item's clean image as the worker used it: <c>jobs/{job}/items/{item}.clean.png</c>.</summary>
    public static string CleanPng(string jobId, string itemId) => $"jobs/{jobId}/items/{itemId}.clean.png";

    /// <summary>An item's per-step trace (Core's <c>StepTrace</c>): <c>jobs/{job}/items/{item}.steps.json</c>.</summary>
    public static string StepsJson(string jobId, string itemId) => $"jobs/{jobId}/items/{itemId}.steps.json";

    /// <summary>A file of the job folder itself (<c>spec.yaml</c>, <c>grid.json</c>, <c>facts.json</c>): <c>jobs/{job}/{name}</c>.</summary>
    public static string JobFile(string jobId, string name) => $"jobs/{jobId}/{name}";

    /// <summary>Per-item record: <c>jobs/{job}/items/{task}/{image}-run{r}.json</c>.</summary>
    public static string ItemJson(string jobId, string itemId) => $"jobs/{jobId}/items/{itemId}.json";

    /// <summary>Statistics of one task: <c>jobs/{job}/summary/{task}/summary.json</c>.</summary>
    public static string TaskSummary(string jobId, string task) => $"jobs/{jobId}/summary/{task}/summary.json";

    /// <summary>Per-image metrics of one task: <c>jobs/{job}/summary/{task}/metrics.csv</c>.</summary>
    public static string TaskMetricsCsv(string jobId, string task) => $"jobs/{jobId}/summary/{task}/metrics.csv";

    /// <summary>
    /// The summary folder of one table cell: <c>summary/{task}</c>, or <c>summary/{point}/{task}</c> for a grid point of a sweep.
    /// </summary>
    public static string CellFolder(string jobId, string task, string? pointKey) =>
        pointKey is null ? $"jobs/{jobId}/summary/{task}" : $"jobs/{jobId}/summary/{pointKey}/{task}";

    /// <summary>The job's data set manifest: <c>jobs/{job}/summary/manifest.json</c>.</summary>
    public static string Manifest(string jobId) => $"jobs/{jobId}/summary/manifest.json";

    /// <summary>The job's evaluation table in Markdown.</summary>
    public static string EvaluationMarkdown(string jobId) => $"jobs/{jobId}/summary/evaluation.md";

    /// <summary>The job's evaluation table in JSON.</summary>
    public static string EvaluationJson(string jobId) => $"jobs/{jobId}/summary/evaluation.json";
}
