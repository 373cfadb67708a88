using Spgd.Contracts.Jobs;
using Spgd.Core.Operators;
using Spgd.Grains.Restoration;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Jobs;

/// <summary>The nonlinear_blur task in job specs: its operator keys, their validation and the Core settings they become.</summary>
public sealed class NonlinearBlurSpecTests
{
    private static string F(params string[] parts) => Path.Combine([TestPaths.RepoRoot, "tests", "fixtures", "nonlinear_blur", .. parts]);

    private static JobSpec Spec(OperatorParams op, int size = 256, string task = "nonlinear_blur") => new()
    {
        Dataset = new DatasetSpec { Builtin = DatasetSpec.SpectralDemo, Count = 1, ImageSize = size },
        Model = new ModelSpec { Kind = ModelSpec.SpectralGaussian },
        Tasks = [new TaskSpec { Name = task, Operator = op }],
    };

    private static JobSpecValidationOptions Options => new() { BaseDirectory = F() };

    [Fact]
    public void Preset_names_match_core() =>
        Assert.Equal(Spgd.Core.Models.Bkse.KernelWizardOptions.Presets.Keys.Order(), NonlinearBlurSpec.Presets.Order());

    [Fact]
    public void A_spec_with_the_checkpoint_is_sound() =>
        Assert.Empty(JobSpecValidator.Validate(Spec(new OperatorParams { Checkpoint = "checkpoint.pth", KernelWizard = "kernel_wizard.yml" }), Options));

    [Fact]
    public void Without_a_checkpoint_the_spec_says_what_to_provide() =>
        Assert.Equal("tasks[0].operator.checkpoint: nonlinear_blur needs BKSE's trained KernelWizard: give the path of GOPRO_wVAE.pth (blur-kernel-space-exploring model zoo)",
            Assert.Single(JobSpecValidator.Validate(Spec(new OperatorParams()), Options)));

    [Theory]
    [InlineData("missing.pth", null, null, "tasks[0].operator.checkpoint: file not found")]
    [InlineData("checkpoint.pth", "no-such.yml", null, "tasks[0].operator.kernel_wizard: file not found")]
    [InlineData("checkpoint.pth", null, "no-code.npy", "tasks[0].operator.kernel_code: file not found")]
    public void Missing_files_are_named(string checkpoint, string? options, string? code, string expected) =>
        Assert.StartsWith(expected, Assert.Single(JobSpecValidator.Validate(
            Spec(new OperatorParams { Checkpoint = checkpoint, KernelWizard = options, KernelCode = code }), Options)));

    [Fact]
    public void The_preset_needs_no_file() =>
        Assert.Empty(JobSpecValidator.Validate(Spec(new OperatorParams { Checkpoint = "checkpoint.pth", KernelWizard = "GOPRO_wVAE" }), Options));

    [Fact]
    public void Image_sizes_the_network_cannot_take_are_refused() =>
        Assert.StartsWith("dataset.image_size: 64 does not suit nonlinear_blur",
            Assert.Single(JobSpecValidator.Validate(Spec(new OperatorParams { Checkpoint = "checkpoint.pth" }, size: 64), Options)));

    [Fact]
    public void The_keys_are_refused_for_another_task() =>
        Assert.Equal("tasks[0].operator.checkpoint: does not apply to task 'hdr' (only to nonlinear_blur)",
            Assert.Single(JobSpecValidator.Validate(Spec(new OperatorParams { Checkpoint = "checkpoint.pth" }, task: "hdr"), Options)));

    [Fact]
    public void The_example_spec_is_sound_but_for_the_weights_it_names()
    {
        var path = Path.Combine(TestPaths.RepoRoot, "examples", "specs", "nonlinear-blur-ffhq.yaml");
        var spec = JobSpecLoader.Load(path);
        Assert.Empty(JobSpecValidator.Validate(spec, JobSpecValidationOptions.ForSpecFile(path) with { CheckFiles = false }));
        Assert.Equal("checkpoints/GOPRO_wVAE.pth", Assert.Single(spec.Tasks).Operator.Checkpoint);
    }

    [Fact]
    public void Yaml_keys_reach_the_core_operator_settings()
    {
        var path = Path.Combine(TestPaths.NewTempDir("spgd-nlb-spec"), "spec.yaml");
        File.WriteAllText(path, $"""
            dataset: {"{"}builtin: spectral-demo, count: 1, image_size: 256{"}"}
            model: {"{"}kind: spectral-gaussian{"}"}
            tasks:
              - name: nonlinear_deblur
                operator: {"{"}checkpoint: {F("checkpoint.pth")}, kernel_wizard: {F("kernel_wizard.yml")}, kernel_code: {F("code_256.npy")}{"}"}
            """);
        var spec = JobSpecLoader.Load(path);
        JobSpecValidator.ThrowIfInvalid(spec, JobSpecValidationOptions.ForSpecFile(path));
        var job = JobSpecMapper.ToDefinition(spec, Path.GetDirectoryName(path));
        var recipe = Assert.Single(Spgd.Contracts.Recipes.RecipeResolver.ResolveAll(job));
        var settings = CoreSettings.ToOperator(recipe);
        Assert.Equal(TaskNames.NonlinearBlur, settings.CanonicalTask);
        Assert.Equal(new NonlinearBlurSettings(F("checkpoint.pth")) { Options = F("kernel_wizard.yml"), KernelCodePath = F("code_256.npy") }, settings.NonlinearBlur);
    }
}
