using Spgd.Contracts.Jobs;
using Spgd.Contracts.Sweeps;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Sweeps;

/// <summary>The example specs load and validate as job specs, and their sweeps expand to the rows their comments promise.</summary>
public class ExampleSweepSpecTests
{
    [Theory]
    [InlineData("table2-ablation.yaml", new[] { "SPGD N=1 no ADM", "SPGD N=1 β=0.95 ADM", "SPGD N=1 β=0.95 ADM across steps",
        "SPGD N=5 no ADM", "SPGD N=5 β=0.95 ADM", "SPGD N=5 β=0.95 ADM across steps" })]
    [InlineData("table3-sweep-n.yaml", new[] { "SPGD N=1 β=0.95 ADM", "SPGD N=2 β=0.95 ADM", "SPGD N=3 β=0.95 ADM", "SPGD N=5 β=0.95 ADM",
        "SPGD N=7 β=0.95 ADM", "SPGD N=10 β=0.95 ADM", "SPGD N=1 no ADM", "DPS ζ=1" })]
    [InlineData("table4-sweep-beta.yaml", new[] { "SPGD N=5 no ADM", "SPGD N=5 β=0.5 ADM", "SPGD N=5 β=0.8 ADM", "SPGD N=5 β=0.9 ADM",
        "SPGD N=5 β=0.95 ADM", "SPGD N=5 β=0.99 ADM", "SPGD N=5 β=1 ADM" })]
    [InlineData("figure2-gradient-angles.yaml", new[] { "DPS", "SPGD N=1 no ADM", "SPGD N=5 no ADM", "SPGD N=5 β=0.95 ADM" })]
    [InlineData("table1-ffhq.yaml", new[] { "DPS ζ=1", "SPGD N=1 no ADM", "SPGD N=5 β=0.95 ADM" })]
    [InlineData("table1-imagenet.yaml", new[] { "DPS ζ=1", "SPGD N=1 no ADM", "SPGD N=5 β=0.95 ADM" })]
    public void ExampleSweepsExpandToTheirRows(string file, string[] labels)
    {
        var path = Path.Combine(TestPaths.RepoRoot, "examples", "specs", file);
        var spec = JobSpecLoader.Load(path);
        // The demo specs name the FFHQ demo photos beside the repository, so their files are checked too.
        var demo = !file.StartsWith("table1-", StringComparison.Ordinal);
        var options = JobSpecValidationOptions.ForSpecFile(path) with { CheckFiles = demo && Directory.Exists(TestPaths.FfhqDemo) };
        Assert.Empty(JobSpecValidator.Validate(spec, options));
        Assert.NotNull(spec.Sweep);
        Assert.Equal(labels, JobSpecMapper.ToDefinition(spec, Path.GetDirectoryName(path)).Grid!.Select(p => p.Label));
    }

    [Fact]
    public void Table1_takes_the_protocol_with_each_tasks_table5_learning_rate()
    {
        var path = Path.Combine(TestPaths.RepoRoot, "examples", "specs", "table1-ffhq.yaml");
        var definition = JobSpecMapper.ToDefinition(JobSpecLoader.Load(path), Path.GetDirectoryName(path));
        var spgd = definition.Grid!.Single(p => p.Label == "SPGD N=5 β=0.95 ADM");
        var recipes = definition.Tasks.ToDictionary(t => t.Name, t => Spgd.Contracts.Recipes.RecipeResolver.Resolve(definition, t, spgd));
        Assert.Equal([2.5, 1.5, 1.0, 8.0], new[] { "inpainting_random", "gaussian_blur", "motion_blur", "super_resolution" }.Select(t => recipes[t].LearningRate));
        Assert.All(recipes.Values, r => Assert.Equal((100, 5, 0.95, "spgd-ffhq"), (r.Steps, r.Warmup, r.Beta, r.Protocol)));
        Assert.Equal("protocol spgd-ffhq", recipes["super_resolution"].Sources["lr"]);
        Assert.Equal((0.05, "task"), (recipes["inpainting_box"].NoiseSigma, recipes["inpainting_box"].Sources["noise_sigma"]));
        Assert.Equal((0.01, "protocol spgd-ffhq"), (recipes["gaussian_blur"].NoiseSigma, recipes["gaussian_blur"].Sources["noise_sigma"]));
    }

    [Fact]
    public void SweepProblemsAreReportedByTheSpecValidator()
    {
        var spec = JobSpecLoader.Parse("tasks:\n  - name: hdr\n    sampler: { sampler: ddim, dps_step_size: -1 }\nsweep:\n  warmup: [0, 5]\n  sampler: [spgd, ddrm]\n", "s.yaml");
        var problems = JobSpecValidator.Validate(spec, new JobSpecValidationOptions { CheckFiles = false });
        Assert.Contains("sweep.warmup[0]: 0 must be >= 1", problems);
        Assert.Contains(problems, p => p.StartsWith("sweep.sampler[1]: ddrm is not a sampler"));
        Assert.Contains(problems, p => p.StartsWith("tasks[0].sampler.sampler: unknown sampler 'ddim'"));
        Assert.Contains(problems, p => p.StartsWith("tasks[0].sampler.dps_step_size: -1"));
        var ex = Assert.Throws<JobSpecFormatException>(() => JobSpecLoader.Parse("tasks:\n  - name: hdr\nsweep:\n  warmups: [1]\n", "s.yaml"));
        Assert.Equal("sweep.warmups", ex.Field);
    }

    [Fact]
    public void TheTasksOwnSettingsAreTheBasis()
    {
        var spec = JobSpecLoader.Parse("tasks:\n  - name: hdr\n    sampler: { steps: 40, warmup: 3, adm: false, lr: 1.5 }\nsweep:\n  beta: [0.9]\n  diffstategrad_tau: [null, 0.9]\n", "s.yaml");
        var points = SweepExpander.Points(spec.Sweep!, SweepBasis.From(spec.Tasks[0].Sampler));
        Assert.Equal(["SPGD N=3 no ADM no DSG", "SPGD N=3 no ADM DSG τ=0.9"], points.Select(p => p.Label));
        Assert.All(points, p => Assert.Equal((40, 1.5, 120L), (p.Steps, p.LearningRate!.Value, p.NetworkEvaluationsPerImage)));
        Assert.True(JobSpecLoader.Parse("tasks: [{name: hdr}]\nsave: { step_traces: true }\n", "s.yaml").Save.StepTraces);
    }
}
