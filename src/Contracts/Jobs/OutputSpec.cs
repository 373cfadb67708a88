namespace Spgd.Contracts.Jobs;

/// <summary>What every item writes under <c>jobs/{job}/items/{task}/</c>.</summary>
[GenerateSerializer]
public sealed record OutputSpec
{
    /// <summary>The restored image as PNG. Default true.</summary>
    [Id(0)] public bool Restored { get; init; } = true;

    /// <summary>The (noisy) measurement as PNG where it is an image. Default false.</summary>
    [Id(1)] public bool Measurements { get; init; }

    /// <summary>A JSON record per item (seed, metrics, timings). Default true.</summary>
    [Id(2)] public bool ItemJson { get; init; } = true;
}
