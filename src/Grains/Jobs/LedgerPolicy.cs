namespace Spgd.Grains.Jobs;

/// <summary>The numbers an <see cref="ItemLedger"/> runs by, taken from <see cref="JobOptions"/>.</summary>
/// <param name="MaxAttempts">Attempts an item may spend on its own failures and silences.</param>
/// <param name="LeaseTimeout">How long a worker may stay silent before its item is presumed lost.</param>
/// <param name="RetryDelay">Back-off before attempt n (2 or more).</param>
/// <param name="InfrastructureDelay">Back-off after the n-th consecutive storage or transport failure of an item.</param>
public sealed record LedgerPolicy(int MaxAttempts, TimeSpan LeaseTimeout, Func<int, TimeSpan> RetryDelay, Func<int, TimeSpan> InfrastructureDelay)
{
    /// <summary>The policy of <paramref name="options"/>.</summary>
    public static LedgerPolicy From(JobOptions options) =>
        new(options.MaxAttempts, options.LeaseTimeout, options.RetryDelay, options.InfrastructureDelay);
}
