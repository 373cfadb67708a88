using System.Text;
using System.Text.Json;

namespace Spgd.Storage;

/// <summary>Text and JSON conveniences over <see cref="IBlobStore"/> (UTF-8, no BOM).</summary>
public static class BlobStoreExtensions
{
    /// <summary>Writes <paramref name="text"/> as UTF-8.</summary>
    public static Task<string> PutTextAsync(this IBlobStore store, string name, string text, BlobCondition condition = default, CancellationToken cancellationToken = default) =>
        store.PutAsync(name, Encoding.UTF8.GetBytes(text), condition, cancellationToken);

    /// <summary>Reads a UTF-8 blob, or <c>null</c> when it does not exist.</summary>
    public static async Task<string?> GetTextAsync(this IBlobStore store, string name, CancellationToken cancellationToken = default) =>
        await store.GetAsync(name, cancellationToken).ConfigureAwait(false) is { } blob ? Encoding.UTF8.GetString(blob.Content) : null;

    /// <summary>Writes <paramref name="value"/> as JSON (System.Text.Json; web defaults when <paramref name="options"/> is null).</summary>
    public static Task<string> PutJsonAsync<T>(this IBlobStore store, string name, T value, JsonSerializerOptions? options = null,
        BlobCondition condition = default, CancellationToken cancellationToken = default) =>
        store.PutAsync(name, JsonSerializer.SerializeToUtf8Bytes(value, options ?? JsonSerializerOptions.Web), condition, cancellationToken);

    /// <summary>Reads a JSON blob, or <c>default</c> when it does not exist.</summary>
    /// <exception cref="InvalidDataException">The blob is not valid JSON for <typeparamref name="T"/>; names the blob.</exception>
    public static async Task<T?> GetJsonAsync<T>(this IBlobStore store, string name, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (await store.GetAsync(name, cancellationToken).ConfigureAwait(false) is not { } blob) return default;
        try
        {
            return JsonSerializer.Deserialize<T>(blob.Content, options ?? JsonSerializerOptions.Web);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Blob '{name}' is not valid JSON for {typeof(T).Name}: {ex.Message}", ex);
        }
    }
}
