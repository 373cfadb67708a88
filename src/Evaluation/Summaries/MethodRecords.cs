namespace Spgd.Evaluation.Summaries;

/// <summary>One method's (or preset's) records of a task, with the manifest they were evaluated on.</summary>
/// <param name="Label">Method or preset name, for reports.</param>
/// <param name="ManifestDigest">The job's <see cref="Manifests.DatasetManifest.Digest"/>.</param>
/// <param name="Records">Every recorded item of the task.</param>
/// <param name="BestOf">The best-of-K rule the method's summary used, so the pairing uses the same per-image values.</param>
public sealed record MethodRecords(string Label, string ManifestDigest, IReadOnlyList<ItemRecord> Records, BestOfKSelection? BestOf = null);
