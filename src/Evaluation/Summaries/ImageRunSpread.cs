namespace Spgd.Evaluation.Summaries;

/// <summary>How much one image's metric varies over its runs: the sampler's seed noise for that image.</summary>
/// <param name="ImageId">The image.</param>
/// <param name="Metric">Metric name.</param>
/// <param name="Runs">Succeeded runs measured.</param>
/// <param name="Mean">Mean over the runs.</param>
/// <param name="Std">Sample standard deviation over the runs (n − 1).</param>
/// <param name="Min">Smallest value over the runs.</param>
/// <param name="Max">Largest value over the runs.</param>
public sealed record ImageRunSpread(string ImageId, string Metric, int Runs, double Mean, double Std, double Min, double Max);
