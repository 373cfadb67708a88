using Spgd.Contracts.Jobs;
using Spgd.Storage;

namespace Spgd.Grains.Jobs;

/// <summary>What a job shows its observers: the stored job and its ledger's tally, or a refused submission.</summary>
internal static class JobStatusView
{
    /// <summary>The status of the job stored under <paramref name="jobId"/>.</summary>
    public static JobStatus Of(string jobId, JobDefinitionState job, JobProgressState progress, ItemLedger ledger, string silo)
    {
        var (succeeded, failed, inFlight, _) = ledger.Tally();
        return new JobStatus
        {
            JobId = jobId, State = job.Definition is null ? JobState.Unknown : progress.State, Total = ledger.Count,
            Succeeded = succeeded, Failed = failed, InFlight = inFlight, Retries = ledger.Retries,
            SubmittedAt = job.SubmittedAt, FinishedAt = progress.FinishedAt, Error = progress.Error,
            Dataset = job.Definition?.Dataset.Label ?? "", Silo = silo,
        };
    }

    /// <summary>A refused submission: nothing was stored, so the id stays free for a corrected one; the reason is
    /// shown with any secret in it masked.</summary>
    public static JobStatus Refused(string jobId, Exception reason, string silo) => new()
    {
        JobId = jobId, State = JobState.Failed, Error = SecretRedaction.Redact(reason.Message), SubmittedAt = DateTimeOffset.UtcNow,
        FinishedAt = DateTimeOffset.UtcNow, Silo = silo,
    };
}
