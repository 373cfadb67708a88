namespace Spgd.Silo;

/// <summary>
/// How a silo spends the grace period between SIGTERM and SIGKILL (Kubernetes' <c>terminationGracePeriodSeconds</c>):
/// running items finish for <see cref="DeviceDrain"/>, then are cancelled and handed back to their jobs; Orleans then
/// leaves the cluster; the host gives up at <see cref="HostShutdown"/>, a little before the kill.
/// </summary>
/// <param name="GracePeriod">Time from SIGTERM to SIGKILL.</param>
/// <param name="HostShutdown">The generic host's shutdown timeout (<c>HostOptions.ShutdownTimeout</c>).</param>
/// <param name="DeviceDrain">How long running items may run on after SIGTERM.</param>
public sealed record DrainPlan(TimeSpan GracePeriod, TimeSpan HostShutdown, TimeSpan DeviceDrain)
{
    /// <summary>The host stops this much (at most) before the kill: process exit and log flush.</summary>
    public static readonly TimeSpan ExitMargin = TimeSpan.FromSeconds(10);

    /// <summary>Kept (at most) after the drain for handing items back and leaving the cluster.</summary>
    public static readonly TimeSpan LeaveMargin = TimeSpan.FromSeconds(20);

    /// <summary>The plan for <paramref name="gracePeriod"/>; short periods keep the same proportions (¾ host, ⅔ of that drain).</summary>
    public static DrainPlan For(TimeSpan gracePeriod)
    {
        if (gracePeriod <= TimeSpan.Zero) throw new ArgumentException($"The shutdown grace period must be positive, got {gracePeriod}.");
        var host = gracePeriod - Min(ExitMargin, gracePeriod / 4);
        var drain = host - Min(LeaveMargin, host / 3);
        return new DrainPlan(gracePeriod, host, drain);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
