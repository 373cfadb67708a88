using System.CommandLine;
using Spgd.Client.Cli;
using Spgd.Contracts.Jobs;

namespace Spgd.Client.Cluster;

/// <summary>
/// The job-describing flags shared by <c>spgd run</c> and <c>spgd submit</c>, and their translation into a
/// <see cref="JobDefinition"/>. Without <c>--dataset</c> the images are the built-in spectral demo.
/// </summary>
public sealed class JobFlags
{
    /// <summary>Tasks of the built-in demo.</summary>
    public static readonly string[] DemoTasks = ["inpainting_random", "gaussian_blur"];

    /// <summary><c>--dataset DIR</c>.</summary>
    public Option<string?> Dataset { get; } = new("--dataset") { Description = "Folder of images (default: built-in spectral demo images)" };

    /// <summary><c>--images N</c>.</summary>
    public Option<int> Images { get; } = CliOptions.Integer("--images", "Demo images to draw, or at most this many files of --dataset (0: all)", 0, JobSpecValidator.MaxBuiltinCount, defaultValue: 0);

    /// <summary><c>--size N</c>.</summary>
    public Option<int?> Size { get; } = CliOptions.OptionalInteger("--size", "Image side length (default 64 for the built-in demo, 256 for --dataset and the UNets)", JobSpecValidator.MinImageSize, JobSpecValidator.MaxImageSize);

    /// <summary><c>--model</c>.</summary>
    public Option<string> Model { get; } = new("--model") { Description = "spectral-gaussian | ffhq256 | imagenet256", DefaultValueFactory = _ => "spectral-gaussian" };

    /// <summary><c>--checkpoint PATH</c>.</summary>
    public Option<string?> Checkpoint { get; } = new("--checkpoint") { Description = "UNet checkpoint (for ffhq256 / imagenet256)" };

    /// <summary><c>--task NAME</c> (repeatable).</summary>
    public Option<string[]> Task { get; } = new("--task") { Description = "Task(s) to run (repeatable)", AllowMultipleArgumentsPerToken = true };

    /// <summary><c>--blur-model PATH</c>: the KernelWizard checkpoint of nonlinear_blur.</summary>
    public Option<string?> BlurModel { get; } = new("--blur-model") { Description = "nonlinear_blur: BKSE KernelWizard checkpoint (GOPRO_wVAE.pth)" };

    /// <summary><c>--runs N</c>.</summary>
    public Option<int> Runs { get; } = CliOptions.Integer("--runs", "Runs per (image, task)", 1, JobSpecValidator.MaxRuns, defaultValue: 1);

    /// <summary>--best-of K: summaries keep each image's best of K runs (by PSNR), recorded as such.</summary>
    public Option<int?> BestOf { get; } = CliOptions.OptionalInteger("--best-of", "Keep each image's best of K runs by PSNR in the summaries (recorded there; needs --runs >= K)", 1, JobSpecValidator.MaxRuns);

    /// <summary><c>--algorithm NAME</c>: the sampler of every task (a baseline runs at its own protocol).</summary>
    public Option<string?> Algorithm { get; } = new Option<string?>("--algorithm")
    {
        Description = $"Sampler of every task: {string.Join(" | ", Contracts.Sweeps.SamplerKinds.All)} (default spgd; dps, ddrm, diffpir and reddiff run at their own protocols)",
    }.AcceptOnlyFromAmong([.. Contracts.Sweeps.SamplerKinds.All]);

    /// <summary><c>--steps T</c>.</summary>
    public Option<int?> Steps { get; } = CliOptions.OptionalInteger("--steps", $"SPGD outer steps T (default: the protocol's, else {SamplerDefaults.Steps})", 1, JobSpecValidator.MaxSteps);

    /// <summary><c>--warmup N</c>.</summary>
    public Option<int?> Warmup { get; } = CliOptions.OptionalInteger("--warmup", $"SPGD warm-up iterations N per step (default: the protocol's, else {SamplerDefaults.Warmup})", 1, JobSpecValidator.MaxWarmup);

    /// <summary><c>--preset paper|reference</c>.</summary>
    public Option<string?> Preset { get; } = new("--preset") { Description = $"SPGD preset: paper | reference (default {SamplerDefaults.Preset})" };

    /// <summary><c>--lr η</c>: every task's learning rate.</summary>
    public Option<double?> LearningRate { get; } = CliOptions.OptionalNumber("--lr", $"SPGD learning rate of every task (default: per task, the paper's Table 5: {TaskLearningRates.Describe()})", 0, exclusiveMin: true);

    /// <summary><c>--beta β</c>.</summary>
    public Option<double?> Beta { get; } = CliOptions.OptionalNumber("--beta", $"ADM momentum β in [0, 1] (default: the preset's, {SamplerDefaults.PaperBeta} for paper, {SamplerDefaults.ReferenceBeta} for reference)", SamplerDefaults.MinBeta, SamplerDefaults.MaxBeta);

    /// <summary><c>--noise-sigma σ</c>.</summary>
    public Option<double?> NoiseSigma { get; } = CliOptions.OptionalNumber("--noise-sigma", $"Measurement noise σ_y of every task (default {SamplerDefaults.NoiseSigma})", 0);

    /// <summary><c>--protocol NAME</c>.</summary>
    public Option<string?> Protocol { get; } = new("--protocol") { Description = $"The paper's protocol ({Vocabulary.Protocol.Names}): Table 1's T, N, β, σ_y and Table 5's learning rate per task; other flags override it" };

    /// <summary><c>--seed S</c>.</summary>
    public Option<ulong> Seed { get; } = CliOptions.Seed("--seed", "Job seed (item seeds derive from it)");

    /// <summary><c>--precision fp32|bf16|fp16</c> of the UNet torso.</summary>
    public Option<string?> Precision { get; } = Cli.PrecisionOption.Create();

    /// <summary>Adds every flag to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Dataset, Images, Size, Model, Checkpoint, Precision, Task, BlurModel, Runs, BestOf, Algorithm, Steps, Warmup, Preset, LearningRate, Beta, NoiseSigma, Protocol, Seed })
            command.Options.Add(o);
    }

    /// <summary>The job the flags describe.</summary>
    public JobDefinition ToDefinition(ParseResult parse)
    {
        var folder = parse.GetValue(Dataset);
        var model = parse.GetValue(Model)!.Trim().ToLowerInvariant();
        var spectral = model == "spectral-gaussian";
        if (!spectral && model is not ("ffhq256" or "imagenet256"))
            throw new ArgumentException($"--model '{model}' is not valid: expected spectral-gaussian, ffhq256 or imagenet256.");
        if (!spectral && string.IsNullOrEmpty(parse.GetValue(Checkpoint)))
            throw new ArgumentException($"--model {model} needs --checkpoint PATH.");
        if (spectral && parse.GetValue(Precision) is not null)
            throw new ArgumentException("--precision applies to a UNet (--model ffhq256|imagenet256), not to the spectral-gaussian prior.");
        // The built-in demo draws small images; photos (a folder) and the UNets work at 256², where the paper measures.
        var size = parse.GetValue(Size) ?? (spectral && folder is null ? 64 : 256);
        var images = parse.GetValue(Images);
        if (images < 0) throw new ArgumentException($"--images {images} is not valid: expected 0 (all files, or the default 8 demo images) or a positive count.");
        var tasks = parse.GetValue(Task) is { Length: > 0 } t ? t : DemoTasks;
        foreach (var name in tasks)
            if (!TaskNames.IsKnown(name)) throw new ArgumentException($"--task '{name}' is not valid: expected one of {TaskNames.Describe()}.");
        var protocol = parse.GetValue(Protocol) is { } p
            ? Vocabulary.Protocol.Find(p) ?? throw new ArgumentException($"--protocol '{p}' is not valid: expected one of {Vocabulary.Protocol.Names}.")
            : null;
        var sampler = new SamplerParams
        {
            Sampler = parse.GetValue(Algorithm), Steps = parse.GetValue(Steps), Warmup = parse.GetValue(Warmup), Preset = parse.GetValue(Preset),
            LearningRate = parse.GetValue(LearningRate), Beta = parse.GetValue(Beta),
        };
        if (sampler.Sampler is { } method && Contracts.Sweeps.SamplerKinds.IsBaseline(method))
            foreach (var name in tasks)
                if (BaselineMethods.Refusal(method, name) is { } refusal)
                    throw new ArgumentException($"--algorithm {method} cannot run {TaskNames.Normalize(name)}: {refusal}");
        // The spec's rules, so a flag gets the same one-line refusal as the same value in a spec.
        var problems = JobSpecValidator.Validate(new JobSpec
        {
            Dataset = new DatasetSpec { Builtin = DatasetSpec.SpectralDemo, Count = 1, ImageSize = 64 },
            Model = new ModelSpec { Kind = ModelSpec.SpectralGaussian },
            Tasks = [new TaskSpec { Name = tasks[0], Sampler = sampler, Operator = new OperatorParams { NoiseSigma = parse.GetValue(NoiseSigma) } }],
        });
        // Only the flags' own fields: the probe spec's other parts (e.g. a task's checkpoint) are checked where they are given.
        problems = problems.Where(q => q.StartsWith("tasks[0].sampler.", StringComparison.Ordinal) || q.StartsWith("tasks[0].operator.noise_sigma", StringComparison.Ordinal)).ToList();
        if (problems.Count > 0)
            throw new ArgumentException("--" + problems[0].Replace("tasks[0].sampler.sampler:", "algorithm:").Replace("tasks[0].sampler.", "").Replace("tasks[0].operator.", "").Replace('_', '-'));
        var bestOf = parse.GetValue(BestOf);
        var blurParameters = NonlinearBlurFlags.Parameters(tasks, parse.GetValue(BlurModel), size);
        if (bestOf is { } k && (k < 1 || k > parse.GetValue(Runs)))
            throw new ArgumentException($"--best-of {k} is not valid: expected 1..{parse.GetValue(Runs)} (the number of --runs).");
        DatasetRef dataset = folder is null
            ? new DatasetRef { Kind = DatasetKind.SpectralDemo, Count = images > 0 ? images : 8, Size = size, Label = "spectral demo" }
            : new DatasetRef
            {
                Kind = DatasetKind.Folder, Path = Path.GetFullPath(folder), Count = images, Size = size,
                Label = DatasetRef.LabelFor(folder),
            };
        return new JobDefinition
        {
            Dataset = dataset,
            Model = new ModelRef { Kind = model, Checkpoint = parse.GetValue(Checkpoint) is { } c ? Path.GetFullPath(c) : null, Precision = parse.GetValue(Precision) },
            Tasks = tasks.Select(n => new TaskSettings { Name = n.Trim(), BestOf = bestOf, Parameters = blurParameters(n), NoiseSigma = parse.GetValue(NoiseSigma) }).ToList(),
            Runs = parse.GetValue(Runs),
            Seed = parse.GetValue(Seed),
            Sampler = sampler,
            Protocol = protocol?.Name,
        };
    }
}
