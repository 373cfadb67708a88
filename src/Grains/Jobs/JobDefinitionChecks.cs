using Spgd.Contracts.Jobs;
using Spgd.Grains.Restoration;
using Spgd.Grains.Sweeps;

namespace Spgd.Grains.Jobs;

/// <summary>
/// What a job checks at submission, before anything runs: the spec validator's bounds (<see cref="JobSpecValidator.ValidateDefinition"/>,
/// so they hold however the job arrives), then the settings every item would reject, built as the items build them.
/// </summary>
internal static class JobDefinitionChecks
{
    /// <summary>The definition with canonical task names (so seeds and keys are stable).</summary>
    /// <exception cref="ArgumentException">The first problem found.</exception>
    public static JobDefinition Validate(string jobId, JobDefinition definition)
    {
        if (definition.Tasks.Count == 0) throw new ArgumentException($"Job '{jobId}' has no tasks.");
        JobSpecValidator.ThrowIfInvalid(definition);
        var tasks = definition.Tasks.Select(t => t with { Name = Core.Operators.TaskNames.Normalize(t.Name) }).ToList();
        var duplicate = tasks.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Task {duplicate.Key} is listed twice.");
        foreach (var task in tasks) CoreSettings.ToOperator(task);
        CoreSettings.ToSampler(definition.Sampler);
        foreach (var task in tasks.Where(t => t.Sampler is not null)) CoreSettings.ToSampler(task.Sampler!);
        if (definition.Grid is { } grid)
        {
            if (grid.Count == 0) throw new ArgumentException("The sweep's grid has no points.");
            if (grid.Select(p => p.Key).Distinct().Count() != grid.Count) throw new ArgumentException("Two grid points share a storage key.");
            foreach (var point in grid)
                foreach (var task in tasks)
                    GridPointOptions.ToSpgdOptions(point, CoreSettings.ToSampler(task.Sampler ?? definition.Sampler));
        }

        return definition with { Tasks = tasks };
    }
}
