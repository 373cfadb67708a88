using System.Net.Sockets;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Polly;
using Polly.Retry;

namespace Spgd.Storage;

/// <summary>
/// An <see cref="IBlobStore"/> on one Azure Blob Storage container (or Azurite). ETags and conditions are the
/// service's own (If-Match / If-None-Match: *). Transient failures are retried with exponential back-off, then
/// reported as <see cref="BlobStoreUnavailableException"/>. The container is created on first use if missing.
/// </summary>
/// <remarks>
/// As with any retried remote write, a conditional put whose first attempt reached the service but whose answer was
/// lost can report <see cref="BlobConcurrencyException"/> against its own write; callers that see a conflict re-read.
/// </remarks>
public sealed class AzureBlobStore : IBlobStore
{
    private readonly BlobContainerClient _container;
    private readonly ResiliencePipeline _retry;
    private readonly string _description;
    private readonly SemaphoreSlim _containerGate = new(1, 1);
    private volatile bool _containerReady;

    /// <summary>Connects to <paramref name="containerName"/> of the account in <paramref name="connectionString"/>.</summary>
    /// <exception cref="ArgumentException">The container name breaks Azure's rules or the connection string is malformed.</exception>
    public AzureBlobStore(string connectionString, string containerName, AzureBlobStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ValidateContainerName(containerName);
        options ??= new AzureBlobStoreOptions();
        var clientOptions = new BlobClientOptions();
        // Our own retry pipeline decides; the SDK's built-in retries would multiply the attempts.
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        try
        {
            _container = new BlobContainerClient(connectionString, containerName, clientOptions);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            // The SDK's message may quote the connection string; do not pass it on.
            throw new ArgumentException($"The Azure storage connection string is malformed ({ex.GetType().Name}); expected e.g. 'DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...'.", nameof(connectionString));
        }
        ContainerName = containerName;
        _description = $"AzureBlobStore(account={ConnectionStrings.AccountOf(connectionString)}, container={containerName})";
        _retry = BuildRetry(options);
    }

    /// <summary>The container this store reads and writes.</summary>
    public string ContainerName { get; }

    /// <summary>Account and container only: the connection string carries secrets and is never shown.</summary>
    public override string ToString() => _description;

    /// <inheritdoc/>
    public Task<string> PutAsync(string name, ReadOnlyMemory<byte> content, BlobCondition condition = default, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        var data = BinaryData.FromBytes(content);
        return UploadAsync(name, condition, (blob, options, ct) => blob.UploadAsync(data, options, ct), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<string> PutAsync(string name, Stream content, BlobCondition condition = default, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanSeek)
        {
            // A retry must send the same bytes again, so a one-way stream is buffered first.
            var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return await PutAsync(name, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), condition, cancellationToken).ConfigureAwait(false);
        }
        var start = content.Position;
        return await UploadAsync(name, condition, (blob, options, ct) =>
        {
            content.Position = start;
            return blob.UploadAsync(content, options, ct);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StoredBlob?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        var blob = _container.GetBlobClient(name);
        return await RunAsync(name, async ct =>
        {
            try
            {
                var response = await blob.DownloadContentAsync(ct).ConfigureAwait(false);
                return new StoredBlob(response.Value.Content.ToArray(), response.Value.Details.ETag.ToString());
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        var blob = _container.GetBlobClient(name);
        return await RunAsync(name, async ct => (await blob.ExistsAsync(ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string name, BlobCondition condition = default, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        var blob = _container.GetBlobClient(name);
        return await RunAsync(name, async ct =>
        {
            try
            {
                await blob.DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, ToConditions(condition), ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException ex) when (IsConflict(ex, condition))
            {
                throw new BlobConcurrencyException(name, condition, null, ex);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return false;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ListAsync(string prefix = "", CancellationToken cancellationToken = default)
    {
        prefix = BlobName.ValidatePrefix(prefix);
        return await RunAsync(prefix, async ct =>
        {
            var names = new List<string>();
            try
            {
                var options = new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix };
                await foreach (var item in _container.GetBlobsAsync(options, ct).ConfigureAwait(false))
                    names.Add(item.Name);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return (IReadOnlyList<string>)[]; // container not created yet
            }
            names.Sort(StringComparer.Ordinal);
            return names;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> UploadAsync(string name, BlobCondition condition,
        Func<BlobClient, BlobUploadOptions, CancellationToken, Task<Response<BlobContentInfo>>> upload, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(name);
        var options = new BlobUploadOptions { Conditions = ToConditions(condition) };
        return await RunAsync(name, async ct =>
        {
            await EnsureContainerAsync(ct).ConfigureAwait(false);
            try
            {
                return (await upload(blob, options, ct).ConfigureAwait(false)).Value.ETag.ToString();
            }
            catch (RequestFailedException ex) when (IsConflict(ex, condition))
            {
                throw new BlobConcurrencyException(name, condition, null, ex);
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                _containerReady = false; // deleted behind our back: recreate and let the retry try again
                throw;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureContainerAsync(CancellationToken ct)
    {
        if (_containerReady) return;
        await _containerGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_containerReady) return;
            await _container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
            _containerReady = true;
        }
        finally
        {
            _containerGate.Release();
        }
    }

    private async Task<T> RunAsync<T>(string name, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.ExecuteAsync(async ct => await operation(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransient(ex, cancellationToken))
        {
            throw new BlobStoreUnavailableException($"{_description} is unavailable (blob '{name}'): {ex.Message}", ex);
        }
    }

    private static ResiliencePipeline BuildRetry(AzureBlobStoreOptions options)
    {
        if (options.MaxRetries <= 0) return ResiliencePipeline.Empty;
        return new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsTransient(ex, args.Context.CancellationToken)),
            MaxRetryAttempts = options.MaxRetries,
            Delay = options.FirstRetryDelay,
            MaxDelay = options.MaxRetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            OnRetry = args =>
            {
                if (args.Outcome.Exception is { } ex) options.OnRetry?.Invoke(ex, args.AttemptNumber + 1);
                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    /// <summary>Whether a failure is worth retrying: the service or network, not the request, is at fault.</summary>
    internal static bool IsTransient(Exception ex, CancellationToken callerToken) => ex switch
    {
        RequestFailedException rf when rf.ErrorCode == BlobErrorCode.ContainerNotFound => true,
        RequestFailedException rf => rf.Status is 0 or 408 or 429 or >= 500 || (rf.InnerException is { } inner && IsTransient(inner, callerToken)),
        AggregateException agg => agg.InnerExceptions.Count > 0 && agg.InnerExceptions.All(e => IsTransient(e, callerToken)),
        HttpRequestException or SocketException or IOException or TimeoutException => true,
        // A cancellation the caller did not ask for is the SDK's network time-out.
        OperationCanceledException => !callerToken.IsCancellationRequested,
        _ => false,
    };

    private static BlobRequestConditions? ToConditions(BlobCondition condition) =>
        condition.IfMatchETag is { } eTag ? new BlobRequestConditions { IfMatch = new ETag(eTag) }
        : condition.IfNotExists ? new BlobRequestConditions { IfNoneMatch = ETag.All }
        : null;

    // 412: If-Match failed; 409 BlobAlreadyExists: If-None-Match * failed; 404 under If-Match: the version is gone.
    private static bool IsConflict(RequestFailedException ex, BlobCondition condition) =>
        condition.IsConditional && (ex.Status == 412 || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists
                                    || (ex.Status == 404 && ex.ErrorCode == BlobErrorCode.BlobNotFound && condition.IfMatchETag is not null)
                                    || (ex.Status == 409 && ex.ErrorCode == BlobErrorCode.ConditionNotMet));

    private static void ValidateContainerName(string name)
    {
        // Azure: 3-63 characters, lowercase letters, digits and single hyphens, starting and ending with a letter or digit.
        var ok = name is { Length: >= 3 and <= 63 }
                 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
                 && name[0] != '-' && name[^1] != '-' && !name.Contains("--", StringComparison.Ordinal);
        if (!ok)
            throw new ArgumentException($"Invalid Azure container name '{name}': use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.", nameof(name));
    }
}
