using System.Text.Json;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Results;
using Spgd.Contracts.Sweeps;
using Spgd.Core.Denoising;
using Spgd.Core.Imaging;
using Spgd.Core.Operators;
using Spgd.Core.Restoration;
using Spgd.Grains.Aggregation;
using Spgd.Grains.Devices;
using Spgd.Grains.Restoration;
using Spgd.Contracts.Recipes;
using static TorchSharp.torch;

namespace Spgd.Cluster.Tests.Sweeps;

/// <summary>A job with a <c>sweep:</c> runs every grid point as its own table row (spectral prior, 32², T = 4, N ≤ 2).</summary>
[Collection(ClusterCollection.Name)]
public sealed class SweepJobTests
{
    private static Task<SpgdTestCluster> StartAsync()
    {
        var models = new DenoiserCache();
        var metrics = MetricSetMetrics.Create(null, null);
        return SpgdTestCluster.StartAsync(
            [new DeviceOptions { Device = "cpu", Slots = 1 }, null],
            (_, sp) => new CoreWorkItemRunner(models, metrics));
    }

    private static JobDefinition SweepJob()
    {
        var spec = new JobSpec
        {
            Dataset = new DatasetSpec { Builtin = "spectral-demo", Count = 2, ImageSize = 32 },
            Tasks = [new TaskSpec { Name = "inpainting_random", Sampler = new SamplerParams { Steps = 4, Warmup = 2 } }],
            Seed = 77,
            Sweep = new SamplerSweep { Warmup = [1, 2], Adm = [false] },
        };
        return JobSpecMapper.ToDefinition(spec);
    }

    [Fact]
    public void The_mapper_puts_the_sweeps_grid_into_the_definition()
    {
        var grid = SweepJob().Grid!;
        Assert.Equal(["SPGD N=1 no ADM", "SPGD N=2 no ADM"], grid.Select(p => p.Label));
        Assert.Equal([4L, 8L], grid.Select(p => p.NetworkEvaluationsPerImage));
        Assert.Null(JobSpecMapper.ToDefinition(new JobSpec
        {
            Dataset = new DatasetSpec { Builtin = "spectral-demo", Count = 1, ImageSize = 32 }, Tasks = [new TaskSpec { Name = "inpainting_random" }],
        }).Grid);
    }

    [Fact]
    public async Task A_two_point_sweep_gives_two_rows_with_labels_nfe_and_the_points_settings()
    {
        await using var cluster = await StartAsync();
        var definition = SweepJob();
        await cluster.Client.GetGrain<IJobGrain>("sweep-a").SubmitAsync(definition);
        var status = await cluster.WaitForEndAsync("sweep-a", TimeSpan.FromMinutes(3));

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(4, status.Succeeded);
        foreach (var point in definition.Grid!)
        {
            var summary = await cluster.Client.GetGrain<IAggregatorGrain>(AggregatorKeys.Of("sweep-a", "inpainting_random", point.Key)).GetSummaryAsync();
            Assert.Equal(2, summary.Succeeded);
            Assert.Equal(point.Label, summary.Method);
            Assert.Equal(point.NetworkEvaluationsPerImage, summary.NetworkEvaluationsPerImage);
            Assert.True(cluster.Store.Exists(ItemKeys.CellFolder("sweep-a", "inpainting_random", point.Key) + "/summary.json"));
            foreach (var imageId in TestJobs.DemoImageIds(2))
            {
                var itemId = new SweepItem(point, imageId, "inpainting_random", 0).ItemId;
                var record = JsonSerializer.Deserialize<ItemOutcome>(cluster.Store.Text(ItemKeys.ItemJson("sweep-a", itemId)), ItemJson.Options)!;
                Assert.Equal(point.Label, record.Method);
                Assert.Contains($"\"method\": \"{point.Label}\"", cluster.Store.Text(ItemKeys.ItemJson("sweep-a", itemId)));
                Assert.Equal(point.NetworkEvaluationsPerImage, record.NetworkEvaluations);

                // The worker ran the point's recipe: same bytes as Core called with the resolved recipe directly.
                using var scope = NewDisposeScope();
                var clean = SpectralGaussianPrior.Default.Sample(1, 32, ItemSeed.Derive(0, imageId, "spectral-demo", 0)).clamp(-1, 1);
                var recipe = RecipeResolver.Resolve(definition, definition.Tasks[0], point);
                Assert.Equal(JsonSerializer.Serialize(recipe), JsonSerializer.Serialize(record.Recipe));
                using var direct = new Restorer(SpectralGaussianPrior.Default, CPU)
                    .Restore(new RestorationRequest(clean, CoreSettings.ToOperator(recipe), CoreSettings.ToSampler(recipe), record.Seed));
                Assert.True(ImageIO.EncodePng(direct.Restored.clamp(-1, 1)).AsSpan().SequenceEqual(cluster.Store.Bytes(ItemKeys.RestoredPng("sweep-a", itemId))), itemId);
            }
        }

        var table = JsonSerializer.Deserialize<EvaluationTable>(cluster.Store.Text(ItemKeys.EvaluationJson("sweep-a")), ItemJson.Options)!;
        Assert.Equal(["SPGD N=1 no ADM", "SPGD N=2 no ADM"], table.Rows.Select(r => r.Method));
        Assert.Equal([4.0, 8.0], table.Rows.Select(r => r.Cells.Single().NetworkEvaluationsPerImage!.Value));
        var markdown = cluster.Store.Text(ItemKeys.EvaluationMarkdown("sweep-a"));
        Assert.Contains("| SPGD N=1 no ADM |", markdown);
        Assert.Contains("inpainting_random NFE", markdown);
    }
}
