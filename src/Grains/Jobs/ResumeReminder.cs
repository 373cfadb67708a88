using Microsoft.Extensions.Logging;

namespace Spgd.Grains.Jobs;

/// <summary>
/// The reminder that re-activates a running job whose silo died (activation restarts its timer). Without a reminder
/// service the job still resumes when a worker's report or heartbeat reaches it.
/// </summary>
internal static class ResumeReminder
{
    private const string Name = "resume";

    /// <summary>Registers the reminder; logs rather than throws when there is no reminder service.</summary>
    public static async Task TryRegisterAsync(Grain grain, TimeSpan period, ILogger logger)
    {
        try { await grain.RegisterOrUpdateReminder(Name, period, period); }
        catch (Exception e) { logger.LogWarning(e, "Job {Job}: no reminder service; resuming relies on worker reports", grain.GetPrimaryKeyString()); }
    }

    /// <summary>Removes the reminder of a job that has ended.</summary>
    public static async Task TryUnregisterAsync(Grain grain, ILogger logger)
    {
        try
        {
            if (await grain.GetReminder(Name) is { } reminder) await grain.UnregisterReminder(reminder);
        }
        catch (Exception e) { logger.LogDebug(e, "Job {Job}: reminder not removed", grain.GetPrimaryKeyString()); }
    }
}
