namespace Spgd.Contracts.Sweeps;

/// <summary>One unit of a swept job: a grid point applied to one image, task and run.</summary>
/// <param name="Point">The sampler configuration.</param>
/// <param name="ImageId">The image.</param>
/// <param name="Task">The task name.</param>
/// <param name="Run">The run, 0-based.</param>
[GenerateSerializer, Immutable]
public sealed record SweepItem(
    [property: Id(0)] GridPoint Point,
    [property: Id(1)] string ImageId,
    [property: Id(2)] string Task,
    [property: Id(3)] int Run)
{
    /// <summary>Stable item id <c>{point key}/{task}/{image}-run{r}</c>, unique within the job.</summary>
    public string ItemId => $"{Point.Key}/{Task}/{ImageId}-run{Run}";
}
