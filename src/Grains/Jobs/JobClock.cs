namespace Spgd.Grains.Jobs;

/// <summary>
/// A job's two timers: the periodic tick (the safety net for retries, lost silos and expired leases) and the one-shot
/// refill that a report arms so a freed slot is filled at once, as the grain's next turn.
/// </summary>
internal sealed class JobClock(IGrainBase grain, TimeSpan interval, Func<CancellationToken, Task> tick, Func<Task> refill, Action? stopped = null)
{
    private IGrainTimer? _tick, _refill;

    /// <summary>A refill is armed and has not run yet.</summary>
    public bool RefillArmed { get; private set; }

    /// <summary>Starts the periodic tick (no-op when running).</summary>
    public void Start() =>
        _tick ??= grain.RegisterGrainTimer(tick, new GrainTimerCreationOptions(interval, interval) { KeepAlive = true });

    /// <summary>Starts the tick and dispatches at once (a job that starts or resumes does not wait one interval).</summary>
    public void Run()
    {
        Start();
        ArmRefill();
    }

    /// <summary>Runs the refill as soon as the grain is free.</summary>
    public void ArmRefill()
    {
        _refill ??= grain.RegisterGrainTimer(async _ =>
        {
            RefillArmed = false;
            await refill();
        }, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        _refill.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        RefillArmed = true;
    }

    /// <summary>Stops both timers (and tells <c>stopped</c>).</summary>
    public void Stop()
    {
        stopped?.Invoke();
        _tick?.Dispose();
        _refill?.Dispose();
        (_tick, _refill, RefillArmed) = (null, null, false);
    }
}
