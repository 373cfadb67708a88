using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spgd.Client.Cluster;
using Spgd.Contracts.Jobs;
using Spgd.Core.Benchmarks;
using Spgd.Grains.Telemetry;
using Spgd.Silo;

namespace Spgd.Client.Bench;

/// <summary>One batch size of <see cref="BatchingThroughput"/>.</summary>
/// <param name="MaxBatchSize">The silo's maximum batch size.</param>
/// <param name="Items">Timed items.</param>
/// <param name="Succeeded">Items that succeeded, over all timed jobs.</param>
/// <param name="Seconds">Submit → job completed, one entry per timed job.</param>
/// <param name="MeanBatchSize">Mean size of the batches the device actually ran (from the batch-size histogram).</param>
/// <param name="Batches">Batches run during the timed jobs.</param>
public sealed record BatchingThroughputPoint(int MaxBatchSize, int Items, int Succeeded, TimingSummary Seconds, double MeanBatchSize, long Batches)
{
    /// <summary>Items finished per minute, from the median job.</summary>
    public double ItemsPerMinute => 60 * Items / Seconds.Median;
}

/// <summary>
/// The cluster path with batching on: demo items (spectral prior) submitted as a job to the in-process silo that
/// <c>spgd run</c> hosts (one CPU slot), once per maximum batch size; items/min from submit to completion, and the batch
/// sizes the device executor really formed (read from the <c>spgd.device.batch_size</c> histogram).
/// </summary>
public static class BatchingThroughput
{
    /// <summary>Runs <paramref name="repeats"/> timed jobs per batch size, each batch size on a fresh silo after
    /// <paramref name="warmupItems"/> untimed items.</summary>
    public static async Task<IReadOnlyList<BatchingThroughputPoint>> RunAsync(IReadOnlyList<int> batches, int items, int size, int steps, int inner,
        string task, int warmupItems, int repeats, CancellationToken ct)
    {
        var points = new List<BatchingThroughputPoint>();
        foreach (var batch in batches)
        {
            var work = Directory.CreateTempSubdirectory("spgd-bench-batching-").FullName;
            try
            {
                points.Add(await RunOneAsync(batch, items, size, steps, inner, task, warmupItems, repeats, work, ct));
            }
            finally
            {
                try { Directory.Delete(work, recursive: true); } catch (IOException) { } // best effort: a temp folder
            }
        }
        return points;
    }

    private static async Task<BatchingThroughputPoint> RunOneAsync(int batch, int items, int size, int steps, int inner, string task,
        int warmupItems, int repeats, string outDir, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.AddSpgdSilo(new SpgdSiloSettings
        {
            Clustering = "localhost", Storage = outDir, Device = "cpu", Slots = 1, MaxBatchSize = batch,
            SiloPort = FreePort.Next(), GatewayPort = FreePort.Next(),
        });
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            if (warmupItems > 0) await RunJobAsync(client, $"batching-warmup-{batch}", Definition(task, warmupItems, size, steps, inner), ct);

            using var sizes = new BatchSizeListener();
            var seconds = new double[repeats];
            var succeeded = 0;
            for (var r = 0; r < repeats; r++)
            {
                var clock = Stopwatch.StartNew();
                var status = await RunJobAsync(client, $"batching-{batch}-{r}", Definition(task, items, size, steps, inner), ct);
                seconds[r] = clock.Elapsed.TotalSeconds;
                succeeded += status.Succeeded;
            }
            return new BatchingThroughputPoint(batch, items, succeeded, new TimingSummary(seconds), sizes.Mean, sizes.Count);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static JobDefinition Definition(string task, int items, int size, int steps, int inner) => new()
    {
        Dataset = new DatasetRef { Kind = DatasetKind.SpectralDemo, Count = items, Size = size, Label = "spectral demo" },
        Model = new ModelRef { Kind = "spectral-gaussian" },
        Tasks = [new TaskSettings { Name = task }],
        Sampler = new SamplerParams { Steps = steps, Warmup = inner },
    };

    private static async Task<JobStatus> RunJobAsync(IClusterClient client, string id, JobDefinition d, CancellationToken ct)
    {
        var job = client.GetGrain<IJobGrain>(id);
        var status = await job.SubmitAsync(d);
        while (!status.IsTerminal)
        {
            await Task.Delay(50, ct);
            status = await job.GetStatusAsync();
        }
        if (status.State == JobState.Failed) throw new InvalidOperationException($"Job {id} failed: {status.Error}");
        return status;
    }

    // Listens to this process's batch-size histogram while the timed job runs.
    private sealed class BatchSizeListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;
        private long _sum;

        public BatchSizeListener()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument, SpgdTelemetry.BatchSize)) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<int>((_, value, _, _) =>
            {
                Interlocked.Increment(ref _count);
                Interlocked.Add(ref _sum, value);
            });
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public double Mean => Count == 0 ? double.NaN : (double)Interlocked.Read(ref _sum) / Count;

        public void Dispose() => _listener.Dispose();
    }
}
