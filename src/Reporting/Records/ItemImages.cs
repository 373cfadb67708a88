namespace Spgd.Reporting.Records;

/// <summary>PNG files of one item, as stored (any of them may be missing).</summary>
/// <param name="ItemId">The item.</param>
/// <param name="Restored">The restoration.</param>
/// <param name="Measurement">The measurement y as an image.</param>
/// <param name="GroundTruth">The clean image.</param>
public sealed record ItemImages(string ItemId, byte[]? Restored, byte[]? Measurement, byte[]? GroundTruth);
