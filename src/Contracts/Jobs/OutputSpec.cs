namespace Spgd.Contracts.Jobs;

/// <summary>What every item writes under <c>jobs/{job}/items/{task}/</c>.</summary>
[GenerateSerializer]
public sealed record OutputSpec
{
    /// <summary>The restored image as PNG. Default true.</summary>
    [Id(0)] public bool Restored { get; init; } = true;

    /// <summary>
    /// The ground truth and the (noisy) measurement as PNGs where it is an image, for the report's image grids.
    /// Default true (two small PNGs per item), so every report row shows them.
    /// </summary>
    [Id(1)] public bool Measurements { get; init; } = true;

    /// <summary>A JSON record per item (seed, metrics, timings). Default true.</summary>
    [Id(2)] public bool ItemJson { get; init; } = true;

    /// <summary>Per-step series beside each item (<c>{image}-run{r}.steps.json</c>: x̂₀ PSNR and gradient angles, for the
    /// report's Fig. 2/6 plots). Default false: they cost three angle computations per step.</summary>
    [Id(3)] public bool StepTraces { get; init; }
}
