using System.Text.Json;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Results;
using Spgd.Grains.Aggregation;
using Spgd.Grains.Devices;
using Spgd.Grains.Restoration;
using Spgd.Core.Denoising;

namespace Spgd.Cluster.Tests.Jobs;

/// <summary>
/// A sweep over baselines runs each at its protocol, records the method and its NFE per item and names its table row;
/// a pair the baseline cannot run fails as its own items, once, with the reason (spectral prior, 16²).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BaselineJobTests
{
    [Fact]
    public async Task A_sweep_over_baselines_records_each_method_and_fails_only_the_pairs_it_refuses()
    {
        var models = new DenoiserCache();
        var metrics = MetricSetMetrics.Create(null, null);
        await using var cluster = await SpgdTestCluster.StartAsync([new DeviceOptions { Device = "cpu", Slots = 1 }, null], (_, sp) => new CoreWorkItemRunner(models, metrics));
        var spec = JobSpecLoader.Parse("""
            dataset: { builtin: spectral-demo, count: 2, image_size: 16 }
            model: { kind: spectral-gaussian }
            tasks:
              - name: gaussian_blur
                operator: { kernel_size: 7 }
              - name: motion_blur
                operator: { kernel_size: 7 }
            sweep:
              sampler: [ddrm, diffpir]
            """);
        Assert.Empty(JobSpecValidator.Validate(spec));
        await cluster.Client.GetGrain<IJobGrain>("baselines").SubmitAsync(JobSpecMapper.ToDefinition(spec));
        var status = await cluster.WaitForEndAsync("baselines", TimeSpan.FromMinutes(3));
        Assert.Equal(JobState.CompletedWithFailures, status.State);

        ItemOutcome Item(string key, string task, string image) =>
            JsonSerializer.Deserialize<ItemOutcome>(cluster.Store.Text(ItemKeys.ItemJson("baselines", $"{key}/{task}/{image}-run0")), ItemJson.Options)!;
        foreach (var image in TestJobs.DemoImageIds(2))
        {
            foreach (var method in new[] { "ddrm", "diffpir" })
            {
                var blur = Item(method, "gaussian_blur", image);
                Assert.Equal((OutcomeKind.Succeeded, 20, method), (blur.Kind, blur.NetworkEvaluations, blur.Recipe!.Algorithm));
            }
            Assert.Equal(OutcomeKind.Succeeded, Item("diffpir", "motion_blur", image).Kind);
            var refused = Item("ddrm", "motion_blur", image);
            Assert.Equal((OutcomeKind.FailedDeterministic, 1), (refused.Kind, refused.Attempt));
            Assert.StartsWith("sampler ddrm cannot run motion_blur: ddrm needs A's SVD", refused.Error);
        }
        var table = JsonSerializer.Deserialize<EvaluationTable>(cluster.Store.Text(ItemKeys.EvaluationJson("baselines")), ItemJson.Options)!;
        Assert.Equal(["DDRM", "DiffPIR"], table.Rows.Select(r => r.Method));
    }
}
