namespace Spgd.Core.Checkpoints;

/// <summary>A tensor whose shape differs between a model and a checkpoint.</summary>
/// <param name="Key">The state-dict key.</param>
/// <param name="ModelShape">The shape the model expects.</param>
/// <param name="CheckpointShape">The shape in the checkpoint.</param>
public sealed record ShapeMismatch(string Key, long[] ModelShape, long[] CheckpointShape)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"'{Key}': model {CheckpointTensorInfo.FormatShape(ModelShape)}, checkpoint {CheckpointTensorInfo.FormatShape(CheckpointShape)}";
}

/// <summary>A checkpoint does not fit a model: keys the model needs are missing, keys it does not have are present,
/// or shapes differ. Every problem is listed, so a wrong config (e.g. a preset for another checkpoint) is obvious.</summary>
public sealed class StateDictMismatchException : Exception
{
    /// <summary>Creates the exception; the message is built from the lists.</summary>
    public StateDictMismatchException(string checkpoint, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<ShapeMismatch> shapeMismatches)
        : base(Describe(checkpoint, missing, unexpected, shapeMismatches))
    {
        Checkpoint = checkpoint;
        Missing = missing;
        Unexpected = unexpected;
        ShapeMismatches = shapeMismatches;
    }

    /// <summary>The checkpoint file.</summary>
    public string Checkpoint { get; }

    /// <summary>Keys the model has and the checkpoint lacks.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Keys the checkpoint has and the model lacks.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Keys present in both with different shapes.</summary>
    public IReadOnlyList<ShapeMismatch> ShapeMismatches { get; }

    private static string Describe(string checkpoint, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<ShapeMismatch> shapes)
    {
        static string List<T>(IReadOnlyList<T> items) =>
            string.Join(", ", items.Take(8).Select(i => i is string s ? $"'{s}'" : i!.ToString())) + (items.Count > 8 ? $", … ({items.Count - 8} more)" : "");
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"{missing.Count} key(s) missing from the checkpoint: {List(missing)}");
        if (unexpected.Count > 0) parts.Add($"{unexpected.Count} unexpected key(s) in the checkpoint: {List(unexpected)}");
        if (shapes.Count > 0) parts.Add($"{shapes.Count} shape mismatch(es): {List(shapes)}");
        return $"{checkpoint} does not fit the model: {string.Join("; ", parts)}";
    }
}
