using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Spgd.Storage;

namespace Spgd.Grains.Persistence;

/// <summary>Registers <see cref="BlobGrainStorage"/> providers with a silo.</summary>
public static class BlobGrainStorageExtensions
{
    private static readonly string StorageNamespace = typeof(IBlobStore).Namespace!;

    /// <summary>
    /// Adds a grain storage provider named <paramref name="name"/> (use <c>"Default"</c> for grains that name none)
    /// that keeps state in the blob store made by <paramref name="storeFactory"/>.
    /// </summary>
    public static ISiloBuilder AddBlobGrainStorage(this ISiloBuilder builder, string name, Func<IServiceProvider, IBlobStore> storeFactory,
        Action<BlobGrainStorageOptions>? configure = null)
    {
        builder.Services.AddBlobGrainStorage(name, storeFactory, configure);
        return builder;
    }

    /// <summary>Same as the silo builder overload, on a service collection.</summary>
    public static IServiceCollection AddBlobGrainStorage(this IServiceCollection services, string name, Func<IServiceProvider, IBlobStore> storeFactory,
        Action<BlobGrainStorageOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(storeFactory);
        var options = services.AddOptions<BlobGrainStorageOptions>(name);
        if (configure is not null) options.Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Transient<IPostConfigureOptions<BlobGrainStorageOptions>, DefaultSerializerConfigurator>());
        // Store failures (e.g. BlobStoreUnavailableException) propagate out of grain calls; Spgd.Storage knows nothing
        // of Orleans, so let Orleans' generic exception codec carry them.
        services.Configure<ExceptionSerializationOptions>(o =>
        {
            if (!o.SupportedNamespacePrefixes.Contains(StorageNamespace)) o.SupportedNamespacePrefixes.Add(StorageNamespace);
        });
        return services.AddGrainStorage(name, (sp, providerName) => new BlobGrainStorage(
            providerName,
            storeFactory(sp),
            sp.GetRequiredService<IOptionsMonitor<BlobGrainStorageOptions>>().Get(providerName),
            sp.GetRequiredService<IActivatorProvider>(),
            sp.GetRequiredService<ILogger<BlobGrainStorage>>()));
    }

    /// <summary>Fills in the serializer: one registered under the provider name, else Orleans' binary serializer.</summary>
    private sealed class DefaultSerializerConfigurator(IServiceProvider services) : IPostConfigureOptions<BlobGrainStorageOptions>
    {
        public void PostConfigure(string? name, BlobGrainStorageOptions options)
        {
            if (options.GrainStorageSerializer is not null) return;
            options.GrainStorageSerializer = (name is null ? null : services.GetKeyedService<IGrainStorageSerializer>(name))
                ?? new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
        }
    }
}
