using System.Text.Json;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Recipes;
using Spgd.Contracts.Results;
using Spgd.Grains.Aggregation;
using Spgd.Grains.Devices;
using Spgd.Grains.Restoration;
using Spgd.Core.Denoising;

namespace Spgd.Cluster.Tests.Jobs;

/// <summary>A job without a sweep runs what each task's spec says, and records it (spectral prior, 32², T ≤ 6).</summary>
[Collection(ClusterCollection.Name)]
public sealed class RecipeJobTests
{
    [Fact]
    public async Task A_dps_task_without_a_sweep_runs_dps_records_its_recipe_and_is_named_dps_in_the_table()
    {
        var models = new DenoiserCache();
        var metrics = MetricSetMetrics.Create(null, null);
        await using var cluster = await SpgdTestCluster.StartAsync([new DeviceOptions { Device = "cpu", Slots = 1 }, null], (_, sp) => new CoreWorkItemRunner(models, metrics));
        var spec = JobSpecLoader.Parse("""
            dataset: { builtin: spectral-demo, count: 2, image_size: 32 }
            model: { kind: spectral-gaussian }
            tasks:
              - name: inpainting_random
                sampler: { sampler: dps-edm, steps: 6, dps_step_size: 0.5 }
              - name: gaussian_blur
                operator: { noise_sigma: 0.02 }
                sampler: { steps: 3, warmup: 2, lr: 1.2, adm_scope: trajectory }
            """);
        Assert.Empty(JobSpecValidator.Validate(spec));
        var definition = JobSpecMapper.ToDefinition(spec);
        await cluster.Client.GetGrain<IJobGrain>("recipe-a").SubmitAsync(definition);
        var status = await cluster.WaitForEndAsync("recipe-a", TimeSpan.FromMinutes(3));
        Assert.Equal(JobState.Completed, status.State);

        foreach (var imageId in TestJobs.DemoImageIds(2))
        {
            var dps = JsonSerializer.Deserialize<ItemOutcome>(cluster.Store.Text(ItemKeys.ItemJson("recipe-a", ItemKeys.ItemId("inpainting_random", imageId, 0))), ItemJson.Options)!;
            Assert.Equal(6, dps.NetworkEvaluations); // DPS: one evaluation per outer step
            Assert.Equal(("dps-edm", 6, 0.5), (dps.Recipe!.Algorithm, dps.Recipe.Steps, dps.Recipe.DpsStepSize));
            var spgd = JsonSerializer.Deserialize<ItemOutcome>(cluster.Store.Text(ItemKeys.ItemJson("recipe-a", ItemKeys.ItemId("gaussian_blur", imageId, 0))), ItemJson.Options)!;
            Assert.Equal(6, spgd.NetworkEvaluations); // T·N
            Assert.Equal(("spgd", 1.2, 0.02, "trajectory"), (spgd.Recipe!.Algorithm, spgd.Recipe.LearningRate, spgd.Recipe.NoiseSigma, spgd.Recipe.AdmScope));
            Assert.Equal(RecipeResolver.FromTask, spgd.Recipe.Sources["lr"]);
        }

        var summary = JsonSerializer.Deserialize<TaskSummary>(cluster.Store.Text(ItemKeys.CellFolder("recipe-a", "inpainting_random", null) + "/summary.json"), ItemJson.Options)!;
        Assert.Equal("dps-edm", summary.Recipe!.Algorithm);
        var table = JsonSerializer.Deserialize<EvaluationTable>(cluster.Store.Text(ItemKeys.EvaluationJson("recipe-a")), ItemJson.Options)!;
        Assert.Equal(["DPS-EDM ζ=0.5", "SPGD N=2 β=0.95 ADM across steps"], table.Rows.Select(r => r.Method));
        Assert.Equal(["inpainting_random", "gaussian_blur"], table.Tasks);
    }
}
