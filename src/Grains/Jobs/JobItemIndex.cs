using Spgd.Contracts.Jobs;
using Spgd.Contracts.Sweeps;
using Spgd.Core.Restoration;

namespace Spgd.Grains.Jobs;

/// <summary>
/// A job's expansion into items, ordered (task, grid point, image, run): each table cell (task, point) is one
/// contiguous block of <see cref="CellSize"/> items. Maps an item's index to its id, work item and seed.
/// </summary>
public sealed class JobItemIndex(string jobId, JobDefinition definition, IReadOnlyList<string> imageIds, IReadOnlyList<string> imageSources)
{
    /// <summary>The index of a submitted job.</summary>
    public static JobItemIndex Of(string jobId, JobDefinitionState state) => new(jobId, state.Definition!, state.ImageIds, state.ImageSources);

    /// <summary>Number of items (grid points × tasks × images × runs).</summary>
    public long Count => (long)PointCount * definition.Tasks.Count * CellSize;

    /// <summary>Items per table cell (images × runs).</summary>
    public int CellSize => imageIds.Count * definition.Runs;

    /// <summary>Number of table cells (tasks × grid points).</summary>
    public int CellCount => definition.Tasks.Count * PointCount;

    private int PointCount => definition.Grid?.Count ?? 1;

    /// <summary>The task, image position, run and grid point of item <paramref name="index"/>.</summary>
    public (string Task, int Image, int Run, GridPoint? Point) Decompose(int index)
    {
        var runs = definition.Runs;
        var run = index % runs;
        var image = index / runs % imageIds.Count;
        var cell = index / runs / imageIds.Count;
        return (definition.Tasks[cell / PointCount].Name, image, run, definition.Grid?[cell % PointCount]);
    }

    /// <summary>The task and grid point of table cell <paramref name="cell"/>.</summary>
    public (string Task, GridPoint? Point) CellOf(int cell)
    {
        var (task, _, _, point) = Decompose(cell * CellSize);
        return (task, point);
    }

    /// <summary>The stable id of item <paramref name="index"/>.</summary>
    public string ItemIdOf(int index)
    {
        var (task, image, run, point) = Decompose(index);
        return point is null ? ItemKeys.ItemId(task, imageIds[image], run) : new SweepItem(point, imageIds[image], task, run).ItemId;
    }

    /// <summary>The work item of attempt <paramref name="attempt"/> of item <paramref name="index"/>.</summary>
    public WorkItem BuildItem(int index, int attempt)
    {
        var (task, image, run, point) = Decompose(index);
        return new WorkItem(jobId, index, ItemIdOf(index), task, imageIds[image], image, imageSources[image], run, attempt, definition, point);
    }

    /// <summary>The outcome the job records for an item it declares failed (its attempts spent).</summary>
    public ItemOutcome DeclaredFailure(int index, int attempt, string error)
    {
        var (task, image, run, point) = Decompose(index);
        return new ItemOutcome
        {
            JobId = jobId, Index = index, ItemId = ItemIdOf(index), Task = task, ImageId = imageIds[image], Run = run, Method = point?.Label,
            Attempt = attempt, Kind = OutcomeKind.FailedTransient, Error = error,
        };
    }

    /// <summary>Every item's seed, for the manifest: the same image, task and run get the same seed at every grid point.</summary>
    public Dictionary<string, ulong> Seeds()
    {
        var seeds = new Dictionary<string, ulong>(StringComparer.Ordinal);
        for (var i = 0; i < Count; i++)
        {
            var (task, image, run, _) = Decompose(i);
            seeds[ItemIdOf(i)] = ItemSeed.Derive(definition.Seed, imageIds[image], task, run);
        }

        return seeds;
    }
}
