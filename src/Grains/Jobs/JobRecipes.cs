using System.Runtime.CompilerServices;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Recipes;
using Spgd.Contracts.Sweeps;

namespace Spgd.Grains.Jobs;

/// <summary>
/// A job's (task, grid point) pairs resolved once into recipes (<see cref="RecipeResolver"/>): work items, declared
/// failures, summaries and the table all share them, so a setting is never derived twice.
/// </summary>
public sealed class JobRecipes
{
    // One per definition instance: a replaced job gets a new definition and so new recipes.
    private static readonly ConditionalWeakTable<JobDefinition, JobRecipes> Cache = new();

    private readonly JobDefinition _definition;
    private readonly Dictionary<(string Task, string? Point), TaskRecipe> _recipes = new();

    private JobRecipes(JobDefinition definition) => _definition = definition;

    /// <summary>The recipes of <paramref name="definition"/>.</summary>
    public static JobRecipes For(JobDefinition definition) => Cache.GetValue(definition, d => new JobRecipes(d));

    /// <summary>The recipe of <paramref name="task"/> at <paramref name="point"/> (null without a sweep).</summary>
    public TaskRecipe Of(string task, GridPoint? point)
    {
        lock (_recipes)
        {
            if (_recipes.TryGetValue((task, point?.Key), out var recipe)) return recipe;
            recipe = RecipeResolver.Resolve(_definition, _definition.Tasks.First(t => t.Name == task), point);
            _recipes[(task, point?.Key)] = recipe;
            return recipe;
        }
    }
}
