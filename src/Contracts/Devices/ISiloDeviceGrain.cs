namespace Spgd.Contracts.Devices;

/// <summary>
/// The device of one silo, keyed by the silo's address (<c>SiloAddress.ToParsableString()</c>, what a job records as an
/// item's holder) and activated on that silo only. A job that is cancelled tells it which attempts to stop, so a running
/// item stops before its next network evaluation instead of at the worker's next heartbeat.
/// </summary>
public interface ISiloDeviceGrain : IGrainWithStringKey
{
    /// <summary>
    /// The job <paramref name="jobId"/> no longer wants these attempts (<paramref name="indices"/>[k] at
    /// <paramref name="attempts"/>[k]): queued ones are dropped, running ones cancelled. Returns how many this silo held.
    /// </summary>
    Task<int> CancelAsync(string jobId, int[] indices, int[] attempts);
}
