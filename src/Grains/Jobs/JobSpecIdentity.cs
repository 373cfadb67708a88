using System.Text.Json;
using Spgd.Contracts.Jobs;

namespace Spgd.Grains.Jobs;

/// <summary>
/// Whether a submission under an existing job id asks for the same job: then it attaches (a retried submit pod, a
/// re-run script); otherwise it is refused, so an id never silently stands for results of another spec.
/// </summary>
public static class JobSpecIdentity
{
    /// <summary>True when <paramref name="submitted"/> is <paramref name="stored"/>, compared by value with task names
    /// in the canonical form the job stores.</summary>
    public static bool Same(JobDefinition stored, JobDefinition submitted)
    {
        var stored1 = JsonSerializer.Serialize(stored, ItemJsonOptions);
        if (stored1 == JsonSerializer.Serialize(submitted, ItemJsonOptions)) return true;
        JobDefinition canonical;
        try
        {
            canonical = submitted with { Tasks = submitted.Tasks.Select(t => t with { Name = Core.Operators.TaskNames.Normalize(t.Name) }).ToList() };
        }
        catch (ArgumentException) { return false; }
        return stored1 == JsonSerializer.Serialize(canonical, ItemJsonOptions);
    }

    private static JsonSerializerOptions ItemJsonOptions => Devices.ItemJson.Options;
}
