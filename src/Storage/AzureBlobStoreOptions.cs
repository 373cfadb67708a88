namespace Spgd.Storage;

/// <summary>Retry behaviour of <see cref="AzureBlobStore"/> towards transient failures (network errors, 408/429/5xx, time-outs).</summary>
public sealed class AzureBlobStoreOptions
{
    /// <summary>Retries after the first attempt before <see cref="BlobStoreUnavailableException"/> (0 = no retry).</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>Delay before the first retry; later delays grow exponentially with jitter.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound of one retry delay.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time-out of one network request.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Called before each retry with the failure and the retry number (1-based), e.g. to log outages.</summary>
    public Action<Exception, int>? OnRetry { get; set; }
}
