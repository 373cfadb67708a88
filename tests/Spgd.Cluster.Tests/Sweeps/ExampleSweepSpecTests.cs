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
        "SPGD N=7 β=0.95 ADM", "SPGD N=10 β=0.95 ADM", "SPGD N=1 no ADM", "DPS-EDM ζ=1" })]
    [InlineData("table4-sweep-beta.yaml", new[] { "SPGD N=5 no ADM", "SPGD N=5 β=0.5 ADM", "SPGD N=5 β=0.8 ADM", "SPGD N=5 β=0.9 ADM",
        "SPGD N=5 β=0.95 ADM", "SPGD N=5 β=0.99 ADM", "SPGD N=5 β=1 ADM" })]
    [InlineData("figure2-gradient-angles.yaml", new[] { "DPS-EDM", "SPGD N=1 no ADM", "SPGD N=5 no ADM", "SPGD N=5 β=0.95 ADM" })]
    [InlineData("table1-ffhq.yaml", new[] { "SPGD N=5 β=0.95 ADM", "DPS", "DDRM", "DiffPIR", "RED-Diff" })]
    [InlineData("table1-imagenet.yaml", new[] { "SPGD N=5 β=0.95 ADM", "DPS", "DDRM", "DiffPIR", "RED-Diff" })]
    [InlineData("table1-ffhq-cpu.yaml", new[] { "SPGD N=5 β=0.95 ADM", "DPS", "DDRM", "DiffPIR", "RED-Diff" })]
    public void ExampleSweepsExpandToTheirRows(string file, string[] labels)
    {
        var path = Path.Combine(TestPaths.RepoRoot, "examples", "specs", file);
        var spec = JobSpecLoader.Load(path);
        // The demo specs name the FFHQ demo photos beside the repository, so their files are checked too.
        var demo = !file.StartsWith("table1-", StringComparison.Ordinal) || file.EndsWith("-cpu.yaml", StringComparison.Ordinal);
        var options = JobSpecValidationOptions.ForSpecFile(path) with { CheckFiles = demo && Directory.Exists(TestPaths.FfhqDemo) };
        Assert.Empty(JobSpecValidator.Validate(spec, options));
        Assert.NotNull(spec.Sweep);
        Assert.Equal(labels, JobSpecMapper.ToDefinition(spec, Path.GetDirectoryName(path)).Grid!.Select(p => p.Label));
    }

    /// <summary>Every example spec stores the ground truth and measurement beside each restoration, so its report's image
    /// grid has them (table1-ffhq-cpu.yaml had save.measurements off: its grids showed empty first columns).</summary>
    [Fact]
    public void ExampleSpecsStoreWhatTheReportGridShows()
    {
        var folder = Path.Combine(TestPaths.RepoRoot, "examples", "specs");
        var files = Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal).ToList();
        Assert.Contains(files, f => f.EndsWith("table1-ffhq-cpu.yaml", StringComparison.Ordinal));
        Assert.All(files, f => Assert.True(JobSpecMapper.ToDefinition(JobSpecLoader.Load(f), folder).Save.Measurements, Path.GetFileName(f)));
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
    public void Table1_runs_every_baseline_at_its_protocol_and_spgd_at_the_papers()
    {
        var path = Path.Combine(TestPaths.RepoRoot, "examples", "specs", "table1-ffhq-cpu.yaml");
        var definition = JobSpecMapper.ToDefinition(JobSpecLoader.Load(path), Path.GetDirectoryName(path));
        var recipes = Spgd.Contracts.Recipes.RecipeResolver.ResolveAll(definition);
        Assert.Equal(5 * 5, recipes.Count);
        Assert.Equal(["spgd", "dps", "ddrm", "diffpir", "reddiff"], recipes.Select(r => r.Algorithm).Distinct());
        // The table's rows are the methods' names; a baseline's settings are its protocol's, so SPGD's are recorded as not used.
        var ddrm = recipes.First(r => r.Algorithm == "ddrm");
        Assert.Equal(("DDRM", null, "not used by ddrm (its protocol)"), (ddrm.Label, ddrm.NetworkEvaluationsPerImage, ddrm.Sources["steps"]));
        Assert.Equal(500L, recipes.First(r => r.Algorithm == "spgd").NetworkEvaluationsPerImage);
    }

    [Fact]
    public void A_baseline_a_task_cannot_run_is_refused_naming_the_field()
    {
        var spec = JobSpecLoader.Parse("tasks:\n  - name: motion_blur\n    sampler: { sampler: ddrm }\n  - name: gaussian_blur\n    sampler: { sampler: reddiff, steps: 30 }\n", "s.yaml");
        var problems = JobSpecValidator.Validate(spec, new JobSpecValidationOptions { CheckFiles = false });
        Assert.Contains(problems, p => p.StartsWith("tasks[0].sampler.sampler: ddrm cannot run motion_blur: ddrm needs A's SVD", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("tasks[1].sampler.steps: does not apply to sampler reddiff", StringComparison.Ordinal));
        Assert.Equal(2, problems.Count(p => p.StartsWith("tasks", StringComparison.Ordinal)));

        // The same rule for a job's own sampler (the CLI's --algorithm), whichever way the job arrives.
        var definition = JobSpecMapper.ToDefinition(JobSpecLoader.Parse("dataset: { builtin: spectral-demo, count: 1, image_size: 16 }\nmodel: { kind: spectral-gaussian }\ntasks: [{name: gaussian_blur}, {name: motion_blur}]\n", "s.yaml")) with
        {
            Sampler = new SamplerParams { Sampler = "reddiff" },
        };
        Assert.Equal(["sampler: reddiff cannot run motion_blur: reddiff needs A's SVD, and a motion-blur kernel is not separable (only a dense (HW)×(HW) SVD)"],
            JobSpecValidator.ValidateDefinition(definition));
    }

    [Fact]
    public void SweepProblemsAreReportedByTheSpecValidator()
    {
        var spec = JobSpecLoader.Parse("tasks:\n  - name: hdr\n    sampler: { sampler: ddim, dps_step_size: -1 }\nsweep:\n  warmup: [0, 5]\n  sampler: [spgd, ddim]\n", "s.yaml");
        var problems = JobSpecValidator.Validate(spec, new JobSpecValidationOptions { CheckFiles = false });
        Assert.Contains("sweep.warmup[0]: 0 must be >= 1", problems);
        Assert.Contains(problems, p => p.StartsWith("sweep.sampler[1]: ddim is not a sampler"));
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
