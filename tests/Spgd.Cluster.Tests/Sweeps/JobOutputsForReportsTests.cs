using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Sweeps;
using Spgd.Grains.Devices;
using Spgd.Grains.Restoration;
using Spgd.Reporting.Reading;

namespace Spgd.Cluster.Tests.Sweeps;

/// <summary>A job stores what <c>spgd report</c> reads: measurement and clean images, step traces, spec, grid and facts.</summary>
[Collection(ClusterCollection.Name)]
public sealed class JobOutputsForReportsTests
{
    private const string SpecYaml = "# the spec as submitted\nruns: 1\n";

    [Fact]
    public async Task A_job_saving_measurements_and_traces_is_read_back_by_the_report_reader()
    {
        var models = new DenoiserCache();
        var metrics = MetricSetMetrics.Create(null, null);
        await using var cluster = await SpgdTestCluster.StartAsync(
            [new DeviceOptions { Device = "cpu", Slots = 1 }, null],
            (_, sp) => new CoreWorkItemRunner(models, metrics));
        var definition = JobSpecMapper.ToDefinition(new JobSpec
        {
            Dataset = new DatasetSpec { Builtin = "spectral-demo", Count = 1, ImageSize = 32 },
            Tasks =
            [
                new TaskSpec { Name = "super_resolution", Sampler = new SamplerParams { Steps = 3, Warmup = 1 } },
                new TaskSpec { Name = "inpainting_random", Sampler = new SamplerParams { Steps = 3, Warmup = 1 } },
            ],
            Save = new OutputSpec { Measurements = true, StepTraces = true },
            Sweep = new SamplerSweep { Adm = [true, false] },
        }) with { SpecText = SpecYaml };

        await cluster.Client.GetGrain<IJobGrain>("rep-a").SubmitAsync(definition);
        var status = await cluster.WaitForEndAsync("rep-a", TimeSpan.FromMinutes(3));
        Assert.Equal(JobState.Completed, status.State);

        foreach (var point in definition.Grid!)
            foreach (var task in new[] { "super_resolution", "inpainting_random" })
            {
                var id = new SweepItem(point, "demo-000", task, 0).ItemId;
                // The 8² SR measurement is shown upsampled to the image's 32² (PNG IHDR: width, height big-endian at 16 and 20).
                var png = cluster.Store.Bytes(ItemKeys.MeasurementPng("rep-a", id));
                Assert.Equal((32, 32), (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)),
                    System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
                Assert.True(cluster.Store.Exists(ItemKeys.CleanPng("rep-a", id)), id);
            }

        var input = JobResultsReader.Read(cluster.Store.PathOf("jobs/rep-a"));
        Assert.Equal(definition.Grid!.Select(p => p.Label), input.Methods());
        Assert.Equal(4, input.Items.Count);
        Assert.All(input.Items, i => Assert.False(i.Failed));
        Assert.All(input.Images.Values, i => Assert.NotNull(i.Measurement));
        Assert.All(input.Images.Values, i => Assert.NotNull(i.GroundTruth));
        Assert.Equal(4, input.Steps.Count);
        Assert.All(input.Steps.Values, s => Assert.Equal(3, s.Count));
        Assert.Equal(SpecYaml, input.Job.Spec);
        Assert.StartsWith("0.1.0", input.Job.Facts["software version"]);
        Assert.Contains("cores", input.Job.Facts["machine"]);
        Assert.Contains("cpu", input.Job.Facts["devices"]);
    }
}
