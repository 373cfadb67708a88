using Spgd.Contracts.Jobs;
using Spgd.Contracts.Recipes;

namespace Spgd.Grains.Restoration;

/// <summary>The network evaluations an item's sampler will make (<see cref="TaskRecipe.NetworkEvaluationsPerImage"/>), before it runs.</summary>
public static class ItemNetworkEvaluations
{
    /// <summary>Evaluations of <paramref name="item"/>: its recipe's, resolved from its settings when it carries none
    /// (null where the recipe does not know them in advance: a baseline's own protocol); throws
    /// <see cref="ArgumentException"/> when those settings do not resolve.</summary>
    public static long? Of(WorkItem item)
    {
        if (item.Recipe is { } recipe) return recipe.NetworkEvaluationsPerImage;
        var task = item.Settings.Tasks.FirstOrDefault(t => t.Name == item.Task)
            ?? throw new ArgumentException($"Item {item.ItemId}: task '{item.Task}' is not in its job.");
        return RecipeResolver.Resolve(item.Settings, task, item.Point).NetworkEvaluationsPerImage;
    }
}
