using Spgd.Contracts.Jobs;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Jobs;

public sealed class JobSpecValidatorTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir("spgd-validate");

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static JobSpec Valid => new()
    {
        Dataset = new DatasetSpec { Builtin = DatasetSpec.SpectralDemo, Count = 4, ImageSize = 64 },
        Model = new ModelSpec { Kind = ModelSpec.SpectralGaussian },
        Tasks = [new TaskSpec { Name = "inpainting_random" }],
    };

    private JobSpecValidationOptions Options => new() { BaseDirectory = _dir };

    private string Only(JobSpec spec, JobSpecValidationOptions? options = null) => Assert.Single(JobSpecValidator.Validate(spec, options ?? Options));

    [Fact]
    public void A_sound_spec_has_no_problem() => Assert.Empty(JobSpecValidator.Validate(Valid, Options));

    [Fact]
    public void Unknown_task_lists_the_valid_ones()
    {
        var problem = Only(Valid with { Tasks = [new TaskSpec { Name = "denoise" }] });
        Assert.StartsWith("tasks[0].name: unknown task 'denoise'; valid tasks: inpainting_random, inpainting_box, gaussian_blur, motion_blur, super_resolution, phase_retrieval, hdr", problem);
        Assert.Contains("down_sampling", problem);
    }

    [Fact]
    public void Reference_aliases_are_accepted()
    {
        var tasks = new[] { "inpainting_rand", "down_sampling", "high_dynamic_range", "Gaussian-Deblur" }
            .Select(n => new TaskSpec { Name = n }).ToList();
        Assert.Empty(JobSpecValidator.Validate(Valid with { Tasks = tasks }, Options));
    }

    [Fact]
    public void Bare_inpainting_is_ambiguous() =>
        Assert.Equal("tasks[0].name: 'inpainting' is ambiguous: use 'inpainting_random' or 'inpainting_box'",
            Only(Valid with { Tasks = [new TaskSpec { Name = "inpainting" }] }));

    public static TheoryData<SamplerParams, string> BadSamplers => new()
    {
        { new SamplerParams { LearningRate = 0 }, "tasks[0].sampler.lr: 0 must be a finite number > 0" },
        { new SamplerParams { LearningRate = -0.5 }, "tasks[0].sampler.lr: -0.5 must be a finite number > 0" },
        { new SamplerParams { Steps = 0 }, "tasks[0].sampler.steps: 0 is out of range: expected 1..1000" },
        { new SamplerParams { Steps = 5000 }, "tasks[0].sampler.steps: 5000 is out of range: expected 1..1000" },
        { new SamplerParams { Warmup = 0 }, "tasks[0].sampler.warmup: 0 is out of range: expected 1..1000 (network evaluations per step)" },
        { new SamplerParams { DiffStateGradTau = 0 }, "tasks[0].sampler.diffstategrad_tau: 0 is out of range: expected (0, 1]" },
        { new SamplerParams { DiffStateGradTau = 1.5 }, "tasks[0].sampler.diffstategrad_tau: 1.5 is out of range: expected (0, 1]" },
        { new SamplerParams { Beta = 1.01 }, "tasks[0].sampler.beta: 1.01 is out of range: expected [0, 1]" },
        { new SamplerParams { Beta = -0.1 }, "tasks[0].sampler.beta: -0.1 is out of range: expected [0, 1]" },
        { new SamplerParams { AdmScope = "forever" }, "tasks[0].sampler.adm_scope: unknown ADM scope 'forever': expected warmup or trajectory" },
        { new SamplerParams { Sampler = "dps-edm", Warmup = 5 }, "tasks[0].sampler.warmup: does not apply to sampler dps-edm (one likelihood step of dps_step_size per outer step)" },
        { new SamplerParams { DpsStepSize = 0.5 }, "tasks[0].sampler.dps_step_size: only applies to sampler dps-edm (this task runs spgd)" },
        { new SamplerParams { Adm = false, Beta = 0.9 }, "tasks[0].sampler.beta: has no effect without ADM (set adm: true, or preset: paper)" },
        { new SamplerParams { Preset = "fast" }, "tasks[0].sampler.preset: unknown preset 'fast': expected paper or reference" },
        { new SamplerParams { SigmaMax = 1, SigmaMin = 2 }, "tasks[0].sampler.sigma_min: 2 must be smaller than sigma_max 1" },
        { new SamplerParams { DiffStateGradPeriod = 2 }, "tasks[0].sampler.diffstategrad_period: has no effect without diffstategrad_tau" },
    };

    [Theory]
    [MemberData(nameof(BadSamplers))]
    public void Each_bad_sampler_value_gives_its_own_message(SamplerParams sampler, string expected) =>
        Assert.Equal(expected, Only(Valid with { Tasks = [new TaskSpec { Name = "gaussian_blur", Sampler = sampler }] }));

    [Fact]
    public void Boundary_values_are_accepted()
    {
        var sampler = new SamplerParams { Steps = 1000, Warmup = 1, DiffStateGradTau = 1, Beta = 0, LearningRate = 1e-6 };
        Assert.Empty(JobSpecValidator.Validate(Valid with { Runs = 1000, Tasks = [new TaskSpec { Name = "hdr", Sampler = sampler }] }, Options));
    }

    public static TheoryData<string, OperatorParams, string> BadOperators => new()
    {
        { "inpainting_random", new OperatorParams { MaskFraction = 1 }, "tasks[0].operator.mask_fraction: 1 is out of range: expected [0, 1)" },
        { "gaussian_blur", new OperatorParams { KernelSize = 60 }, "tasks[0].operator.kernel_size: 60 must be an odd number in 1..127" },
        { "gaussian_blur", new OperatorParams { KernelStd = 0 }, "tasks[0].operator.kernel_std: 0 is out of range: expected (0, 100]" },
        { "super_resolution", new OperatorParams { Scale = 3 }, "tasks[0].operator.scale: 3 must be a divisor of the image size 64 (e.g. 2, 4, 8)" },
        { "hdr", new OperatorParams { NoiseSigma = -1 }, "tasks[0].operator.noise_sigma: -1 is out of range: expected 0..10" },
        { "gaussian_blur", new OperatorParams { MaskFraction = 0.5 }, "tasks[0].operator.mask_fraction: does not apply to task 'gaussian_blur' (only to inpainting_random)" },
        { "inpainting_box", new OperatorParams { BoxSize = 64 }, "tasks[0].operator.box_size: 64 is out of range: expected 1..63 for 64x64 images" },
    };

    [Theory]
    [MemberData(nameof(BadOperators))]
    public void Each_bad_operator_value_gives_its_own_message(string task, OperatorParams op, string expected) =>
        Assert.Equal(expected, Only(Valid with { Tasks = [new TaskSpec { Name = task, Operator = op }] }));

    [Theory]
    [InlineData(0, "runs: 0 is out of range: expected 1..1000")]
    [InlineData(1001, "runs: 1001 is out of range: expected 1..1000")]
    public void Absurd_run_counts_are_rejected(int runs, string expected) => Assert.Equal(expected, Only(Valid with { Runs = runs }));

    [Theory]
    [InlineData(4)]
    [InlineData(2048)]
    public void Absurd_image_sizes_are_rejected(int size) =>
        Assert.Equal($"dataset.image_size: {size} is out of range: expected 8..1024 pixels",
            Only(Valid with { Dataset = Valid.Dataset with { ImageSize = size } }));

    [Fact]
    public void Several_problems_are_all_reported_once_each()
    {
        var spec = Valid with
        {
            Runs = 0,
            Tasks = [new TaskSpec { Name = "nope", Sampler = new SamplerParams { LearningRate = -1, Steps = 0 } }],
        };
        var problems = JobSpecValidator.Validate(spec, Options);
        Assert.Equal(4, problems.Count);
        Assert.Equal(4, problems.Select(p => p.Split(':')[0]).Distinct().Count());
    }

    [Fact]
    public void No_task_is_a_problem() => Assert.StartsWith("tasks: at least one task is required", Only(Valid with { Tasks = [] }));

    [Fact]
    public void Duplicate_task_labels_are_a_problem() =>
        Assert.Equal("tasks[1].label: 'hdr' is already used by tasks[0]; give one of them a different label",
            Only(Valid with { Tasks = [new TaskSpec { Name = "hdr" }, new TaskSpec { Name = "high_dynamic_range" }] }));

    [Fact]
    public void Missing_checkpoint_file_is_named()
    {
        var spec = Valid with
        {
            Dataset = Valid.Dataset with { ImageSize = 256 },
            Model = new ModelSpec { Kind = ModelSpec.UNet, Preset = "ffhq256", Checkpoint = "models/ffhq_10m.pt" },
        };
        Assert.Equal($"model.checkpoint: file not found: '{Path.Combine(_dir, "models", "ffhq_10m.pt")}'", Only(spec));
        Directory.CreateDirectory(Path.Combine(_dir, "models"));
        File.WriteAllBytes(Path.Combine(_dir, "models", "ffhq_10m.pt"), [0]);
        Assert.Empty(JobSpecValidator.Validate(spec, Options));
    }

    [Fact]
    public void Unet_needs_a_preset_or_config_and_a_checkpoint()
    {
        var problems = JobSpecValidator.Validate(Valid with { Model = new ModelSpec { Kind = "unet" } }, Options);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("model: a UNet needs exactly one of preset"));
        Assert.Contains(problems, p => p.StartsWith("model: a UNet needs exactly one of checkpoint"));
    }

    [Fact]
    public void Preset_image_size_mismatch_is_a_problem() =>
        Assert.Equal("dataset.image_size: 64 does not match the ffhq256 model, which works on 256x256 images",
            Only(Valid with { Model = new ModelSpec { Kind = "unet", Preset = "ffhq256", Checkpoint = "models/ffhq.pt" } }, new JobSpecValidationOptions { CheckFiles = false }));

    [Fact]
    public void Accepted_fields_the_cluster_does_not_run_are_refused_naming_them()
    {
        Assert.StartsWith("metrics.lpips_weights: is not read from a spec", Only(Valid with { Metrics = new MetricsSpec { LpipsWeights = "w.pth" } }, new JobSpecValidationOptions { CheckFiles = false }));
        Assert.StartsWith("save.restored: false is not supported", Only(Valid with { Save = new OutputSpec { Restored = false } }));
        Assert.StartsWith("tasks[0].operator.box_margin: does not apply to task 'gaussian_blur'",
            Only(Valid with { Tasks = [new TaskSpec { Name = "gaussian_blur", Operator = new OperatorParams { BoxMargin = 4 } }] }));
        Assert.StartsWith("protocol: unknown protocol 'spgd-celeba': expected one of spgd-ffhq, spgd-imagenet", Only(Valid with { Protocol = "spgd-celeba" }));
    }

    [Fact]
    public void Unknown_model_kind_is_a_problem() =>
        Assert.Equal("model.kind: unknown model kind 'gan': expected 'spectral-gaussian' or 'unet'", Only(Valid with { Model = new ModelSpec { Kind = "gan" } }));

    private string MakeDataset(string name, int images)
    {
        var folder = Path.Combine(_dir, name);
        Directory.CreateDirectory(folder);
        for (var i = 0; i < images; i++) File.WriteAllBytes(Path.Combine(folder, $"img{i:00}.png"), [0]);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image");
        return folder;
    }

    private JobSpec FolderSpec(string folder, int? start = null, int? end = null) =>
        Valid with { Dataset = new DatasetSpec { Folder = folder, ImageSize = 64, StartIndex = start, EndIndex = end } };

    [Fact]
    public void Folder_dataset_with_images_is_valid_and_selects_the_range()
    {
        var folder = MakeDataset("data/ffhq", 5);
        var options = Options with { DatasetRoot = Path.Combine(_dir, "data") };
        Assert.Empty(JobSpecValidator.Validate(FolderSpec("ffhq", 1, 3), options));
        var selected = JobSpecValidator.SelectImages(folder, FolderSpec("ffhq", 1, 3).Dataset);
        Assert.Equal(["img01.png", "img02.png"], selected.Select(Path.GetFileName));
    }

    [Fact]
    public void Folder_without_images_is_a_problem()
    {
        var folder = MakeDataset("empty", 0);
        Assert.Equal($"dataset.folder: no images (*.png, *.jpg, *.jpeg, *.bmp) found in '{folder}'", Only(FolderSpec("empty")));
    }

    [Fact]
    public void Index_range_beyond_the_images_is_a_problem()
    {
        MakeDataset("three", 3);
        Assert.Equal("dataset.start_index: 3 selects no image: '" + Path.Combine(_dir, "three") + "' has 3 images (indices 0..2)", Only(FolderSpec("three", start: 3)));
        Assert.Equal("dataset.end_index: 1 must be greater than start_index 2 (the range is [start, end))", Only(FolderSpec("three", start: 2, end: 1)));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("ffhq/../../outside")]
    [InlineData("/etc")]
    public void Folder_escaping_the_dataset_root_is_a_problem(string folder)
    {
        MakeDataset("data/ffhq", 1);
        var problem = Only(FolderSpec(folder), Options with { DatasetRoot = Path.Combine(_dir, "data") });
        Assert.StartsWith($"dataset.folder: '{folder}' resolves to", problem);
        Assert.EndsWith($"outside the allowed dataset root '{Path.Combine(_dir, "data")}'", problem);
    }

    [Fact]
    public void Symlink_out_of_the_dataset_root_is_a_problem()
    {
        var outside = MakeDataset("secret", 2);
        Directory.CreateDirectory(Path.Combine(_dir, "data"));
        Directory.CreateSymbolicLink(Path.Combine(_dir, "data", "sneaky"), outside);
        var problem = Only(FolderSpec("sneaky"), Options with { DatasetRoot = Path.Combine(_dir, "data") });
        Assert.Equal($"dataset.folder: 'sneaky' leads through a symbolic link to '{outside}', outside the allowed dataset root '{Path.Combine(_dir, "data")}'", problem);
    }

    [Fact]
    public void Dataset_needs_exactly_one_source()
    {
        Assert.StartsWith("dataset: no image source", Only(Valid with { Dataset = new DatasetSpec { ImageSize = 64 } }));
        Assert.Equal("dataset: folder and builtin are both set: choose one image source",
            Only(Valid with { Dataset = Valid.Dataset with { Folder = "x" } }));
    }

    [Fact]
    public void Builtin_dataset_needs_a_known_name_and_a_count()
    {
        Assert.Equal("dataset.builtin: unknown built-in dataset 'mnist': the only one is 'spectral-demo'",
            Only(Valid with { Dataset = Valid.Dataset with { Builtin = "mnist" } }));
        Assert.StartsWith("dataset.count: required for the built-in dataset",
            Only(Valid with { Dataset = Valid.Dataset with { Count = null } }));
    }

    [Fact]
    public void Blob_prefix_may_not_escape()
    {
        Assert.Equal("dataset.blob_prefix: '../other/' contains a '.' or '..' segment",
            Only(Valid with { Dataset = new DatasetSpec { BlobPrefix = "../other/", ImageSize = 64 } }));
        // A well-formed prefix (the cluster reads blob data sets) and a blob checkpoint are accepted.
        Assert.Empty(JobSpecValidator.Validate(Valid with { Dataset = new DatasetSpec { BlobPrefix = "datasets/ffhq/", BlobContainer = "inputs", ImageSize = 64 } }, Options));
        Assert.Empty(JobSpecValidator.Validate(Valid with { Dataset = Valid.Dataset with { ImageSize = 256 }, Model = new ModelSpec { Kind = "unet", Preset = "ffhq256", CheckpointBlob = "models/ffhq.pt" } }, Options));
    }

    [Fact]
    public void Bad_job_id_is_a_problem() =>
        Assert.StartsWith("job_id: '../x' is not a valid id", Only(Valid with { JobId = "../x" }));

    [Fact]
    public void File_checks_can_be_left_to_the_machine_that_has_the_files()
    {
        var spec = Valid with
        {
            Dataset = new DatasetSpec { Folder = "not-here", ImageSize = 256 },
            Model = new ModelSpec { Kind = "unet", Preset = "ffhq256", Checkpoint = "/nope.pt" },
        };
        Assert.Equal(2, JobSpecValidator.Validate(spec, Options).Count);
        Assert.Empty(JobSpecValidator.Validate(spec, Options with { CheckFiles = false }));
    }

    [Fact]
    public void ThrowIfInvalid_lists_every_problem()
    {
        var ex = Assert.Throws<ArgumentException>(() => JobSpecValidator.ThrowIfInvalid(Valid with { Runs = 0, Tasks = [] }, Options));
        Assert.Contains("2 problems): ", ex.Message);
        Assert.Contains("problems): runs: 0", ex.Message);
        Assert.Contains("; tasks: ", ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
    }

    [Fact]
    public void ThrowIfInvalid_lists_the_first_problems_on_one_line_and_counts_the_rest()
    {
        var spec = Valid with
        {
            Runs = 0,
            Tasks = [new TaskSpec { Name = "denoise" }, new TaskSpec { Name = "nope" }, new TaskSpec { Name = "other" }, new TaskSpec { Name = "fourth" }],
        };
        var count = JobSpecValidator.Validate(spec, Options).Count;
        Assert.True(count > JobSpecValidator.ProblemsListed, $"{count} problems");
        var ex = Assert.Throws<ArgumentException>(() => JobSpecValidator.ThrowIfInvalid(spec, Options));
        Assert.DoesNotContain("\n", ex.Message);
        Assert.Contains("tasks[0].name: unknown task 'denoise'", ex.Message);
        Assert.EndsWith($"; and {count - JobSpecValidator.ProblemsListed} more", ex.Message);
    }
}
