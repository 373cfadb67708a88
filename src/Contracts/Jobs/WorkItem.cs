namespace Spgd.Contracts.Jobs;

/// <summary>
/// One unit of work of a job: one image restored for one task in one run. Everything a worker needs
/// travels with it, so a compute silo never has to call back into the job before finishing.
/// </summary>
/// <param name="JobId">Owning job.</param>
/// <param name="Index">Position of the item in the job's expansion order (task, image, run).</param>
/// <param name="ItemId">Stable identifier <c>{task}/{image}-run{r}</c> (see <see cref="ItemKeys"/>).</param>
/// <param name="Task">Canonical task name.</param>
/// <param name="ImageId">Identifier of the image inside the data set.</param>
/// <param name="ImageIndex">Position of the image inside the data set listing.</param>
/// <param name="ImageSource">Where the image comes from: a file name inside the data set folder, or the demo sample index.</param>
/// <param name="Run">Run number, 0-based.</param>
/// <param name="Attempt">Attempt number, 1-based; a re-dispatch gets a larger one.</param>
/// <param name="Settings">The job's shared settings (data set, model, sampler, task parameters).</param>
/// <param name="Point">The sweep's grid point whose sampler settings the item runs; null for a job without a sweep.</param>
/// <param name="Recipe">What the item runs, resolved once by the job (<see cref="Recipes.RecipeResolver"/>); the worker only translates it.</param>
[GenerateSerializer, Immutable]
public sealed record WorkItem(
    [property: Id(0)] string JobId,
    [property: Id(1)] int Index,
    [property: Id(2)] string ItemId,
    [property: Id(3)] string Task,
    [property: Id(4)] string ImageId,
    [property: Id(5)] int ImageIndex,
    [property: Id(6)] string ImageSource,
    [property: Id(7)] int Run,
    [property: Id(8)] int Attempt,
    [property: Id(9)] JobDefinition Settings,
    [property: Id(10)] Sweeps.GridPoint? Point = null,
    [property: Id(11)] Recipes.TaskRecipe? Recipe = null);
