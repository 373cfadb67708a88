using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Spgd.Storage;

namespace Spgd.Grains.Persistence;

/// <summary>
/// Orleans grain storage on an <see cref="IBlobStore"/> (a folder or an Azure container): one blob per grain and state
/// name at <c>{prefix}/{grain type}/{grain key}/{state name}.state</c>, optimistic concurrency through the blob ETag.
/// A write or clear based on an outdated ETag raises <see cref="InconsistentStateException"/>, which makes Orleans
/// deactivate the grain so the next call reloads the current state. The silo uses it for a folder store (a single host);
/// on Azure it uses the official <c>Microsoft.Orleans.Persistence.AzureStorage</c> provider instead (Spgd.Silo's AzureProviders).
/// </summary>
public sealed class BlobGrainStorage : IGrainStorage
{
    private readonly string _name;
    private readonly IBlobStore _store;
    private readonly BlobGrainStorageOptions _options;
    private readonly IActivatorProvider _activators;
    private readonly ILogger _logger;

    /// <summary>Creates the provider; normally done by <see cref="BlobGrainStorageExtensions.AddBlobGrainStorage(Orleans.Hosting.ISiloBuilder, string, Func{IServiceProvider, IBlobStore}, Action{BlobGrainStorageOptions}?)"/>.</summary>
    public BlobGrainStorage(string name, IBlobStore store, BlobGrainStorageOptions options, IActivatorProvider activators, ILogger<BlobGrainStorage> logger)
    {
        _name = name;
        _store = store;
        _options = options;
        _activators = activators;
        _logger = logger;
        if (options.GrainStorageSerializer is null)
            throw new ArgumentException($"Blob grain storage '{name}' has no GrainStorageSerializer configured.", nameof(options));
    }

    /// <inheritdoc/>
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var blobName = BlobNameOf(stateName, grainId);
        var blob = await _store.GetAsync(blobName, cancellationToken).ConfigureAwait(false);
        if (blob is null)
        {
            Reset(grainState, eTag: null);
            return;
        }
        if (blob.Content.Length == 0)
        {
            Reset(grainState, blob.ETag); // cleared without deletion
            return;
        }
        T? state;
        try
        {
            state = _options.GrainStorageSerializer.Deserialize<T>(new BinaryData(blob.Content));
        }
        catch (Exception ex)
        {
            throw new InvalidDataException(
                $"Grain storage '{_name}': blob '{blobName}' ({blob.Content.Length} bytes) could not be read as {typeof(T).FullName}: {ex.Message}", ex);
        }
        grainState.State = state ?? CreateInstance<T>();
        grainState.ETag = blob.ETag;
        grainState.RecordExists = state is not null;
    }

    /// <inheritdoc/>
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var blobName = BlobNameOf(stateName, grainId);
        var content = _options.GrainStorageSerializer.Serialize(grainState.State);
        var condition = BlobCondition.ForVersion(grainState.ETag);
        try
        {
            grainState.ETag = await _store.PutAsync(blobName, content.ToMemory(), condition, cancellationToken).ConfigureAwait(false);
            grainState.RecordExists = true;
        }
        catch (BlobConcurrencyException ex)
        {
            throw Inconsistent("write", blobName, grainState.ETag, ex);
        }
    }

    /// <inheritdoc/>
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var blobName = BlobNameOf(stateName, grainId);
        // No ETag means "I saw nothing stored": clearing must then find nothing, like a write would.
        var condition = BlobCondition.ForVersion(grainState.ETag);
        try
        {
            if (_options.DeleteStateOnClear)
            {
                await _store.DeleteAsync(blobName, condition, cancellationToken).ConfigureAwait(false);
                Reset(grainState, eTag: null);
            }
            else
            {
                var eTag = await _store.PutAsync(blobName, ReadOnlyMemory<byte>.Empty, condition, cancellationToken).ConfigureAwait(false);
                Reset(grainState, eTag);
            }
        }
        catch (BlobConcurrencyException ex)
        {
            throw Inconsistent("clear", blobName, grainState.ETag, ex);
        }
    }

    /// <summary>
    /// The blob that holds one grain's state. Each part is URI-escaped, so keys with '/', '..' or control characters
    /// map to distinct, valid names.
    /// </summary>
    public string BlobNameOf(string stateName, GrainId grainId) =>
        $"{_options.BlobPrefix.TrimEnd('/')}/{Segment(grainId.Type.ToString()!)}/{Segment(grainId.Key.ToString()!)}/{Segment(stateName)}.state";

    private static string Segment(string value)
    {
        var escaped = Uri.EscapeDataString(value);
        // '.' is not escaped by URI rules but "." and ".." are not allowed as blob name segments.
        return escaped.Length == 0 ? "%00empty" : escaped.Trim('.').Length == 0 ? escaped.Replace(".", "%2E") : escaped;
    }

    private InconsistentStateException Inconsistent(string operation, string blobName, string? eTag, BlobConcurrencyException ex)
    {
        _logger.LogInformation("Grain storage {Provider}: {Operation} of {Blob} conflicted: held ETag {ETag}, stored {StoredETag}",
            _name, operation, blobName, eTag ?? "(none)", ex.CurrentETag ?? "(unknown)");
        // No inner exception: this one crosses grain calls, and the silo may not know how to serialize store exceptions.
        return new InconsistentStateException(
            $"Grain storage '{_name}': {operation} of '{blobName}' based on ETag {eTag ?? "(none)"} lost to a concurrent change ({ex.Message}).",
            ex.CurrentETag ?? "Unknown", eTag);
    }

    private void Reset<T>(IGrainState<T> grainState, string? eTag)
    {
        grainState.State = CreateInstance<T>();
        grainState.ETag = eTag;
        grainState.RecordExists = false;
    }

    private T CreateInstance<T>() => _activators.GetActivator<T>().Create();

    /// <inheritdoc/>
    public override string ToString() => $"BlobGrainStorage({_name} on {_store})";
}
