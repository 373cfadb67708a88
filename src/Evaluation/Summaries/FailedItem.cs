namespace Spgd.Evaluation.Summaries;

/// <summary>An item that failed, and why.</summary>
/// <param name="ItemId">The item.</param>
/// <param name="ImageId">Its image.</param>
/// <param name="Run">Its run.</param>
/// <param name="Reason">The failure reason as recorded.</param>
public sealed record FailedItem(string ItemId, string ImageId, int Run, string Reason);
