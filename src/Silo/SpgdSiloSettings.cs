using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Spgd.Silo;

/// <summary>
/// Everything a silo needs to start: clustering, storage, device, ports and telemetry. Read from the
/// <c>SPGD_*</c> environment variables (see deploy/k8s/base/silo-config.yaml) or set by <c>spgd silo</c> / <c>spgd run</c>.
/// </summary>
public sealed class SpgdSiloSettings
{
    /// <summary><c>localhost</c> (a single-host development cluster), <c>redis://HOST:PORT</c>, or <c>azure</c> (Azure Table
    /// Storage of the account in <see cref="Storage"/>, which must then be an Azure connection string).</summary>
    public string Clustering { get; set; } = "localhost";

    /// <summary>Folder path or Azure connection string for results and grain state; null keeps grain state in memory (single silo only).</summary>
    public string? Storage { get; set; }

    /// <summary><c>cpu</c>, <c>cuda:N</c>, or null for a silo that only hosts jobs and aggregators.</summary>
    public string? Device { get; set; }

    /// <summary>Concurrent runs on the device.</summary>
    public int Slots { get; set; } = 1;

    /// <summary>Items with the same model, task, image size and schedule run as one batch of up to this many (1: no batching).</summary>
    public int MaxBatchSize { get; set; } = 1;

    /// <summary>How long a slot waits for a batch to fill before running it (default zero: take what is queued).</summary>
    public TimeSpan BatchLinger { get; set; } = TimeSpan.Zero;

    /// <summary>Simulated device: each item holds a slot this long and computes nothing.</summary>
    public TimeSpan? SimulatedServiceTime { get; set; }

    /// <summary>The simulated device ignores cancellation (see <c>DeviceOptions.SimulatedUninterruptible</c>).</summary>
    public bool SimulatedUninterruptible { get; set; }

    /// <summary>Orleans cluster id.</summary>
    public string ClusterId { get; set; } = "spgd";

    /// <summary>Orleans service id.</summary>
    public string ServiceId { get; set; } = "spgd";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Address advertised to other silos (e.g. the pod IP); null lets Orleans choose.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Port of the HTTP health endpoints (<c>/health/live</c>, <c>/health/ready</c>); null: none.</summary>
    public int? HealthPort { get; set; }

    /// <summary>Folder where model checkpoints are looked up by relative path.</summary>
    public string? ModelCache { get; set; }

    /// <summary>Writable folder where blob checkpoints (<c>checkpoint_blob</c>) are kept once fetched; default a temp folder.</summary>
    public string? CheckpointCache { get; set; }

    /// <summary>LPIPS VGG16 weights (torchvision's <c>vgg16-397923af.pth</c>); with <see cref="LpipsLinear"/> enables LPIPS.</summary>
    public string? LpipsVgg { get; set; }

    /// <summary>LPIPS v0.1 linear weights for VGG.</summary>
    public string? LpipsLinear { get; set; }

    /// <summary>
    /// Folders this silo reads data sets, checkpoints, configs, masks and kernels from, separated by ':' (<c>SPGD_DATA_ROOTS</c>);
    /// null: the storage folder (when storage is a folder), the working folder and the model cache.
    /// </summary>
    public string? DataRoots { get; set; }

    /// <summary>Folder of the local cache of blob data-set images (<c>SPGD_DATA_CACHE</c>); null: <c>$TMPDIR/spgd-data-cache</c>.</summary>
    public string? DataCache { get; set; }

    /// <summary>Most bytes the blob image cache keeps (<c>SPGD_DATA_CACHE_MB</c>, in MiB); null: 1 GiB.</summary>
    public long? DataCacheBytes { get; set; }

    /// <summary>Time from SIGTERM to SIGKILL (the pod's <c>terminationGracePeriodSeconds</c>); sets the drain (<see cref="DrainPlan"/>).</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Model kind loaded before the silo reports ready (e.g. <c>ffhq256</c>); null loads models on first use.</summary>
    public string? PreloadModel { get; set; }

    /// <summary>Checkpoint of <see cref="PreloadModel"/> (under <see cref="ModelCache"/> when relative).</summary>
    public string? PreloadCheckpoint { get; set; }

    /// <summary>Telemetry exporter: <c>none</c> (default), <c>console</c> or <c>otlp</c>.</summary>
    public string Telemetry { get; set; } = "none";

    /// <summary>OTLP endpoint; setting it implies the <c>otlp</c> exporter.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Reads <c>SPGD_CLUSTERING</c>, <c>SPGD_STORAGE</c>, <c>SPGD_DEVICE</c>, <c>SPGD_SLOTS</c>, <c>SPGD_MAX_BATCH</c>,
    /// <c>SPGD_BATCH_LINGER_MS</c>, <c>SPGD_SHUTDOWN_GRACE_SECONDS</c>, <c>SPGD_PRELOAD_MODEL</c>/<c>_CHECKPOINT</c>, <c>SPGD_CHECKPOINT_CACHE</c>, ports and telemetry settings.</summary>
    public static SpgdSiloSettings FromConfiguration(IConfiguration config)
    {
        string? Get(string key) => config[key] is { Length: > 0 } v ? v : null;
        int? Int(string key) => Get(key) is { } v
            ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
                : throw new FormatException($"{key}='{v}' is not an integer.")
            : null;

        var s = new SpgdSiloSettings
        {
            Clustering = Get("SPGD_CLUSTERING") ?? "localhost",
            Storage = Get("SPGD_STORAGE"),
            Device = Get("SPGD_DEVICE") is { } d && d != "none" ? d : null,
            Slots = Int("SPGD_SLOTS") ?? 1,
            MaxBatchSize = Int("SPGD_MAX_BATCH") ?? 1,
            ClusterId = Get("SPGD_CLUSTER_ID") ?? Get("ORLEANS_CLUSTER_ID") ?? "spgd",
            ServiceId = Get("SPGD_SERVICE_ID") ?? Get("ORLEANS_SERVICE_ID") ?? "spgd",
            SiloPort = Int("SPGD_SILO_PORT") ?? 11111,
            GatewayPort = Int("SPGD_GATEWAY_PORT") ?? 30000,
            AdvertisedAddress = Get("POD_IP"),
            HealthPort = Int("SPGD_HEALTH_PORT"),
            ModelCache = Get("SPGD_MODEL_CACHE"),
            CheckpointCache = Get("SPGD_CHECKPOINT_CACHE"),
            LpipsVgg = Get("SPGD_LPIPS_VGG"),
            LpipsLinear = Get("SPGD_LPIPS_LIN"),
            PreloadModel = Get("SPGD_PRELOAD_MODEL"),
            PreloadCheckpoint = Get("SPGD_PRELOAD_CHECKPOINT"),
            Telemetry = Get("SPGD_TELEMETRY") ?? "none",
            OtlpEndpoint = Get("OTEL_EXPORTER_OTLP_ENDPOINT"),
            DataRoots = Get("SPGD_DATA_ROOTS"),
            DataCache = Get("SPGD_DATA_CACHE"),
            DataCacheBytes = Int("SPGD_DATA_CACHE_MB") is { } mb ? mb * (1L << 20) : null,
        };
        if (Int("SPGD_SIMULATED_MS") is { } ms) s.SimulatedServiceTime = TimeSpan.FromMilliseconds(ms);
        if (Int("SPGD_BATCH_LINGER_MS") is { } linger) s.BatchLinger = TimeSpan.FromMilliseconds(linger);
        if (Int("SPGD_SHUTDOWN_GRACE_SECONDS") is { } grace) s.ShutdownGracePeriod = TimeSpan.FromSeconds(grace);
        return s;
    }

    /// <summary>The Redis endpoint (<c>HOST:PORT</c>) when <see cref="Clustering"/> is a redis URI, else null.</summary>
    public string? RedisEndpoint => ClusterConnectionString.RedisEndpoint(Clustering);

    /// <summary>True when <see cref="Clustering"/> is <c>azure</c>.</summary>
    public bool AzureClustering => ClusterConnectionString.IsAzure(Clustering);
}
