using System.CommandLine;
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
    public Option<int> Images { get; } = new("--images") { Description = "Demo images to draw, or at most this many files of --dataset (0: all)", DefaultValueFactory = _ => 0 };

    /// <summary><c>--size N</c>.</summary>
    public Option<int?> Size { get; } = new("--size") { Description = "Image side length (default 64 for the spectral model, 256 for UNets)" };

    /// <summary><c>--model</c>.</summary>
    public Option<string> Model { get; } = new("--model") { Description = "spectral-gaussian | ffhq256 | imagenet256", DefaultValueFactory = _ => "spectral-gaussian" };

    /// <summary><c>--checkpoint PATH</c>.</summary>
    public Option<string?> Checkpoint { get; } = new("--checkpoint") { Description = "UNet checkpoint (for ffhq256 / imagenet256)" };

    /// <summary><c>--task NAME</c> (repeatable).</summary>
    public Option<string[]> Task { get; } = new("--task") { Description = "Task(s) to run (repeatable)", AllowMultipleArgumentsPerToken = true };

    /// <summary><c>--runs N</c>.</summary>
    public Option<int> Runs { get; } = new("--runs") { Description = "Runs per (image, task)", DefaultValueFactory = _ => 1 };

    /// <summary>--best-of K: summaries keep each image's best of K runs (by PSNR), recorded as such.</summary>
    public Option<int?> BestOf { get; } = new("--best-of") { Description = "Keep each image's best of K runs by PSNR in the summaries (recorded there; needs --runs >= K)" };

    /// <summary><c>--steps T</c>.</summary>
    public Option<int?> Steps { get; } = new("--steps") { Description = "SPGD outer steps T" };

    /// <summary><c>--warmup N</c>.</summary>
    public Option<int?> Warmup { get; } = new("--warmup") { Description = "SPGD warm-up iterations N per step" };

    /// <summary><c>--preset paper|reference</c>.</summary>
    public Option<string> Preset { get; } = new("--preset") { Description = "SPGD preset: paper | reference", DefaultValueFactory = _ => "paper" };

    /// <summary><c>--seed S</c>.</summary>
    public Option<ulong> Seed { get; } = new("--seed") { Description = "Job seed (item seeds derive from it)", DefaultValueFactory = _ => 0UL };

    /// <summary><c>--precision fp32|bf16|fp16</c> of the UNet torso.</summary>
    public Option<string?> Precision { get; } = Cli.DenoiserOptions.PrecisionOption();

    /// <summary>Adds every flag to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Dataset, Images, Size, Model, Checkpoint, Precision, Task, Runs, BestOf, Steps, Warmup, Preset, Seed })
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
        var size = parse.GetValue(Size) ?? (spectral ? 64 : 256);
        var images = parse.GetValue(Images);
        if (images < 0) throw new ArgumentException($"--images {images} is not valid: expected 0 (all files, or the default 8 demo images) or a positive count.");
        var tasks = parse.GetValue(Task) is { Length: > 0 } t ? t : DemoTasks;
        var bestOf = parse.GetValue(BestOf);
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
            Tasks = tasks.Select(n => new TaskSettings { Name = n.Trim(), BestOf = bestOf }).ToList(),
            Runs = parse.GetValue(Runs),
            Seed = parse.GetValue(Seed),
            Sampler = new SamplerSettings
            {
                Steps = parse.GetValue(Steps) ?? (spectral ? 20 : 50),
                Warmup = parse.GetValue(Warmup) ?? (spectral ? 3 : 5),
                Preset = parse.GetValue(Preset)!,
            },
        };
    }
}
