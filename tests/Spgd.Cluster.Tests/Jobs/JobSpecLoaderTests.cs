using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Spgd.Contracts.Jobs;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Jobs;

public sealed class JobSpecLoaderTests
{
    private const string Yaml = """
        job_id: demo-1
        seed: 7
        runs: 3
        dataset:
          folder: images
          image_size: 64
          start_index: 2
          end_index: 5
        model:
          kind: unet
          preset: ffhq256
          checkpoint: ffhq_10m.pt
        tasks:
          - name: inpainting_rand
            operator: { noise_sigma: 0.05, mask_fraction: 0.7 }
            sampler:
              steps: 100
              warmup: 5
              lr: 0.2
              lr_min_ratio: 0.1
              beta: 0.9
              preset: reference
              diffstategrad_tau: 0.9
              diffstategrad_period: 2
          - name: gaussian_blur
            label: blur-wide
            operator: { kernel_size: 61, kernel_std: 3 }
        save: { restored: true, measurements: true, item_json: false }
        metrics: { lpips_weights: w/lpips.pth }
        """;

    [Fact]
    public void Yaml_spec_parses_into_every_field()
    {
        var spec = JobSpecLoader.Parse(Yaml, "spec.yaml");
        Assert.Equal("demo-1", spec.JobId);
        Assert.Equal(7ul, spec.Seed);
        Assert.Equal(3, spec.Runs);
        Assert.Equal(new DatasetSpec { Folder = "images", ImageSize = 64, StartIndex = 2, EndIndex = 5 }, spec.Dataset);
        Assert.Equal(new ModelSpec { Kind = "unet", Preset = "ffhq256", Checkpoint = "ffhq_10m.pt" }, spec.Model);
        Assert.Equal(2, spec.Tasks.Count);
        Assert.Equal("inpainting_rand", spec.Tasks[0].Name);
        Assert.Equal(new OperatorParams { NoiseSigma = 0.05, MaskFraction = 0.7 }, spec.Tasks[0].Operator);
        Assert.Equal(new SamplerParams
        {
            Steps = 100, Warmup = 5, LearningRate = 0.2, LrMinRatio = 0.1, Beta = 0.9, Preset = "reference",
            DiffStateGradTau = 0.9, DiffStateGradPeriod = 2,
        }, spec.Tasks[0].Sampler);
        Assert.Equal("blur-wide", spec.Tasks[1].Label);
        Assert.Equal(new OperatorParams { KernelSize = 61, KernelStd = 3 }, spec.Tasks[1].Operator);
        Assert.Equal(new SamplerParams(), spec.Tasks[1].Sampler);
        Assert.Equal(new OutputSpec { Restored = true, Measurements = true, ItemJson = false }, spec.Save);
        Assert.Equal("w/lpips.pth", spec.Metrics.LpipsWeights);
    }

    [Fact]
    public void Json_spec_parses_the_same_and_round_trips()
    {
        var fromYaml = JobSpecLoader.Parse(Yaml, "spec.yaml");
        var json = JobSpecLoader.ToJson(fromYaml);
        Assert.Contains("\"lr\": 0.2", json);
        Assert.Contains("\"diffstategrad_tau\": 0.9", json);
        Assert.DoesNotContain("null", json);
        var fromJson = JobSpecLoader.Parse(json, "spec.json");
        Assert.Equal(JobSpecLoader.ToJson(fromJson), json);
        Assert.Equal(fromYaml.Dataset, fromJson.Dataset);
        Assert.Equal(fromYaml.Tasks[0].Sampler, fromJson.Tasks[0].Sampler);
    }

    [Fact]
    public void Defaults_fill_what_a_minimal_spec_leaves_out()
    {
        var spec = JobSpecLoader.Parse("""
            dataset: { builtin: spectral-demo, count: 2 }
            model: { kind: spectral-gaussian }
            tasks: [ { name: hdr } ]
            """);
        Assert.Null(spec.JobId);
        Assert.Equal(1, spec.Runs);
        Assert.Equal(0ul, spec.Seed);
        Assert.Equal(256, spec.Dataset.ImageSize);
        Assert.True(spec.Save.Restored);
        Assert.True(spec.Save.ItemJson);
        Assert.True(spec.Save.Measurements); // the report's ground truth and measurement columns
    }

    [Fact]
    public void The_example_demo_spec_loads_and_is_valid()
    {
        var path = Path.Combine(TestPaths.RepoRoot, "examples", "specs", "demo.yaml");
        var spec = JobSpecLoader.Load(path);
        Assert.Equal(3, spec.Tasks.Count);
        Assert.Equal(DatasetSpec.SpectralDemo, spec.Dataset.Builtin);
        Assert.Empty(JobSpecValidator.Validate(spec, JobSpecValidationOptions.ForSpecFile(path)));
    }

    [Fact]
    public void Format_follows_the_extension_then_the_content()
    {
        var dir = TestPaths.NewTempDir("spgd-spec");
        const string json = """{ "dataset": { "builtin": "spectral-demo", "count": 1 }, "model": { "kind": "spectral-gaussian" }, "tasks": [ { "name": "sr" } ] }""";
        File.WriteAllText(Path.Combine(dir, "a.json"), json);
        File.WriteAllText(Path.Combine(dir, "b.spec"), json);
        File.WriteAllText(Path.Combine(dir, "c.yml"), "dataset: { builtin: spectral-demo, count: 1 }\nmodel: { kind: spectral-gaussian }\ntasks: [ { name: sr } ]\n");
        foreach (var name in new[] { "a.json", "b.spec", "c.yml" })
            Assert.Equal("sr", JobSpecLoader.Load(Path.Combine(dir, name)).Tasks[0].Name);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => JobSpecLoader.Load("/no/such/spec.yaml"));
        Assert.Contains("/no/such/spec.yaml", ex.Message);
    }

    [Fact]
    public void Text_fields_accept_bare_numbers_verbatim()
    {
        var spec = JobSpecLoader.Parse("job_id: 2024\ndataset: { builtin: spectral-demo, count: 1 }\ntasks: []\n");
        Assert.Equal("2024", spec.JobId);
    }

    [Fact]
    public void Wrong_yaml_type_names_line_column_field_expectation_and_value()
    {
        var ex = Assert.Throws<JobSpecFormatException>(() => JobSpecLoader.Parse("""
            dataset:
              builtin: spectral-demo
            tasks:
              - name: hdr
                sampler:
                  steps: fifty
            """, "demo.yaml"));
        Assert.Equal("demo.yaml, line 6, column 14: tasks[0].sampler.steps: expected a whole number, got 'fifty'", ex.Message);
        Assert.Equal(6, ex.Line);
        Assert.Equal("tasks[0].sampler.steps", ex.Field);
    }

    [Theory]
    [InlineData("runs: [1, 2]", 1, "runs: expected a whole number, got a list")]
    [InlineData("seed: -5", 1, "seed: expected a non-negative whole number, got -5")]
    [InlineData("dataset: folder-name", 1, "dataset: expected a mapping with keys folder, blob_prefix")]
    [InlineData("tasks: { name: hdr }", 1, "tasks: expected a list, got a mapping")]
    [InlineData("save: { restored: maybe }", 1, "save.restored: expected true or false, got 'maybe'")]
    [InlineData("tasks:\n  - name: hdr\n    operator: { noise_sigma: high }", 3, "tasks[0].operator.noise_sigma: expected a number, got 'high'")]
    [InlineData("tasks:", 1, "tasks: expected a list, got nothing (null)")]
    public void Wrong_yaml_types_give_one_clear_line(string yaml, int line, string expected)
    {
        var ex = Assert.Throws<JobSpecFormatException>(() => JobSpecLoader.Parse(yaml, "s.yaml"));
        Assert.StartsWith($"s.yaml, line {line}", ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
        Assert.DoesNotContain("System.", ex.Message);
    }

    [Fact]
    public void Unknown_keys_are_reported_with_the_valid_ones()
    {
        var ex = Assert.Throws<JobSpecFormatException>(() => JobSpecLoader.Parse("tasks:\n  - name: hdr\n    sampler:\n      stepz: 10\n", "s.yaml"));
        Assert.Equal("tasks[0].sampler.stepz", ex.Field);
        Assert.Contains("unknown key 'stepz' (valid keys: steps, warmup, lr, lr_min_ratio, beta, preset, diffstategrad_tau, diffstategrad_period, sigma_max, sigma_min, sampler, adm, dps_step_size, adm_scope)", ex.Message);
        Assert.Equal(4, ex.Line);
        Assert.Equal(7, ex.Column);
    }

    [Fact]
    public void Duplicate_json_keys_are_an_error()
    {
        var ex = Assert.Throws<JobSpecFormatException>(() => JobSpecLoader.Parse("{ \"runs\": 2,\n  \"runs\": 3 }", "s.json"));
        Assert.Equal("runs", ex.Field);
        Assert.Contains("duplicate key 'runs'", ex.Message);
    }

    [Fact]
    public void Duplicate_yaml_keys_are_an_error()
    {
        var ex = Assert.Throws<JobSpecFormatException>(() => JobSpecLoader.Parse("runs: 1\nseed: 2\nruns: 3\n", "s.yaml"));
        Assert.Contains("duplicate key 'runs'", ex.Message);
        Assert.Equal(3, ex.Line);
    }

    [Fact]
    public void Yaml_syntax_errors_give_the_position()
    {
        var ex = Assert.Throws<JobSpecFormatException>(() => JobSpecLoader.Parse("dataset:\n  folder: [unclosed\nruns: 2\n", "s.yaml"));
        Assert.StartsWith("s.yaml, line ", ex.Message);
        Assert.Contains("not valid YAML", ex.Message);
    }

    [Fact]
    public void Wrong_json_type_names_line_and_field()
    {
        const string json = "{\n  \"runs\": 2,\n  \"tasks\": [\n    { \"name\": \"hdr\", \"sampler\": { \"lr\": \"fast\" } }\n  ]\n}";
        var ex = Assert.Throws<JobSpecFormatException>(() => JobSpecLoader.Parse(json, "s.json"));
        Assert.Equal(4, ex.Line);
        Assert.Equal("tasks[0].sampler.lr", ex.Field);
        Assert.Contains("expected a number, got 'fast'", ex.Message);
    }

    [Fact]
    public void Json_syntax_errors_give_the_line()
    {
        var ex = Assert.Throws<JobSpecFormatException>(() => JobSpecLoader.Parse("{\n  \"runs\": 2\n  \"seed\": 1\n}", "s.json"));
        Assert.Equal(3, ex.Line);
        Assert.StartsWith("s.json, line 3", ex.Message);
    }
}

public sealed class JobSpecSerializationTests
{
    [Fact]
    public void Spec_round_trips_through_the_orleans_serializer()
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var spec = JobSpecLoader.Load(Path.Combine(Spgd.Tests.TestPaths.RepoRoot, "examples", "specs", "demo.yaml"));
        var copy = serializer.Deserialize<JobSpec>(serializer.SerializeToArray(spec))!;
        Assert.NotSame(spec, copy);
        Assert.Equal(JobSpecLoader.ToJson(spec), JobSpecLoader.ToJson(copy));
        Assert.Equal(spec.Tasks[1].Sampler, copy.Tasks[1].Sampler);
    }
}
