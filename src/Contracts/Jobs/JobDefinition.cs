namespace Spgd.Contracts.Jobs;

/// <summary>
/// What a job computes, in the form the cluster executes: data set, model, tasks, runs, sampler
/// settings and the job seed. The job grain expands it into <see cref="WorkItem"/>s.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record JobDefinition
{
    /// <summary>Where the images come from.</summary>
    [Id(0)] public required DatasetRef Dataset { get; init; }

    /// <summary>Which denoiser restores them.</summary>
    [Id(1)] public required ModelRef Model { get; init; }

    /// <summary>Tasks (forward operators) with their parameters; at least one.</summary>
    [Id(2)] public required IReadOnlyList<TaskSettings> Tasks { get; init; }

    /// <summary>Independent runs per (image, task); each gets its own derived seed.</summary>
    [Id(3)] public int Runs { get; init; } = 1;

    /// <summary>Seed from which every item seed is derived.</summary>
    [Id(4)] public ulong Seed { get; init; }

    /// <summary>Sampler settings of every task, where the task does not set its own (<see cref="Recipes.RecipeResolver"/>).</summary>
    [Id(5)] public SamplerParams Sampler { get; init; } = new();

    /// <summary>
    /// The sweep's grid points (<see cref="Sweeps.SweepExpander.Points"/>), or null for a job without a sweep. With a grid,
    /// items are grid × tasks × images × runs, each point's settings replace the sampler's swept settings, and the
    /// evaluation table has one row per point.
    /// </summary>
    [Id(7)] public IReadOnlyList<Sweeps.GridPoint>? Grid { get; init; }

    /// <summary>What each item stores besides its record and restoration (measurements, step traces).</summary>
    [Id(8)] public OutputSpec Save { get; init; } = new();

    /// <summary>The spec as submitted (YAML), stored as the job folder's <c>spec.yaml</c>; null when built from flags.</summary>
    [Id(9)] public string? SpecText { get; init; }

    /// <summary>The paper's protocol whose settings fill what the job leaves unset (<see cref="Spgd.Vocabulary.Protocol"/>), or null.</summary>
    [Id(10)] public string? Protocol { get; init; }
}

/// <summary>Kind of data set source.</summary>
public enum DatasetKind
{
    /// <summary>Images drawn from the spectral Gaussian prior; needs nothing on disk.</summary>
    SpectralDemo,

    /// <summary>Image files of a folder visible to the compute silos, in ordinal name order.</summary>
    Folder,

    /// <summary>Image blobs directly under a prefix of the cluster's blob storage, in ordinal name order.</summary>
    Blob,
}

/// <summary>A data set: the built-in demo (<see cref="Count"/> images), a folder of image files or a blob prefix of them.</summary>
[GenerateSerializer, Immutable]
public sealed record DatasetRef
{
    /// <summary>Source kind.</summary>
    [Id(0)] public DatasetKind Kind { get; init; }

    /// <summary>Folder path for <see cref="DatasetKind.Folder"/>.</summary>
    [Id(1)] public string? Path { get; init; }

    /// <summary>Number of images (demo), or at most this many files of the folder when positive.</summary>
    [Id(2)] public int Count { get; init; }

    /// <summary>Side length images are resized to (square).</summary>
    [Id(3)] public int Size { get; init; } = 64;

    /// <summary>Label of the data set in tables (FFHQ, ImageNet or the folder name).</summary>
    [Id(4)] public string Label { get; init; } = "demo";

    /// <summary>First file (inclusive) of the folder listing to use, when set.</summary>
    [Id(5)] public int? StartIndex { get; init; }

    /// <summary>End (exclusive) of the folder listing to use, when set.</summary>
    [Id(6)] public int? EndIndex { get; init; }

    /// <summary>A named split (Spgd.Evaluation's <c>DatasetSplits</c>) listing exactly which files of <see cref="Path"/> to use.</summary>
    [Id(7)] public string? Split { get; init; }

    /// <summary>Blob name prefix for <see cref="DatasetKind.Blob"/>, ending in '/' (e.g. <c>datasets/ffhq/</c>).</summary>
    [Id(8)] public string? BlobPrefix { get; init; }

    /// <summary>Container of <see cref="BlobPrefix"/>; null: the container of the cluster's storage.</summary>
    [Id(9)] public string? BlobContainer { get; init; }

    /// <summary>FFHQ or ImageNet when the folder name says so, else the folder name.</summary>
    public static string LabelFor(string folder)
    {
        var name = System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(folder)));
        if (name.Contains("ffhq", StringComparison.OrdinalIgnoreCase)) return "FFHQ";
        if (name.Contains("imagenet", StringComparison.OrdinalIgnoreCase)) return "ImageNet";
        return name;
    }
}

/// <summary>Denoiser selection.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelRef
{
    /// <summary><c>spectral-gaussian</c>, <c>ffhq256</c>, <c>imagenet256</c> or <c>unet</c> (with a config).</summary>
    [Id(0)] public string Kind { get; init; } = "spectral-gaussian";

    /// <summary>Checkpoint path for UNet models (as seen by the compute silos).</summary>
    [Id(1)] public string? Checkpoint { get; init; }

    /// <summary>Marks a <see cref="Checkpoint"/> that is a blob of the job store (spec <c>checkpoint_blob</c>), e.g.
    /// <c>blob:models/ffhq_10m.pt</c>: each compute silo fetches it once and checks it against the job's manifest.</summary>
    public const string BlobPrefix = "blob:";

    /// <summary>The blob name when <see cref="Checkpoint"/> is a blob, else null.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? CheckpointBlob => Checkpoint is { } c && c.StartsWith(BlobPrefix, StringComparison.Ordinal) ? c[BlobPrefix.Length..] : null;

    /// <summary>Optional model config file for <c>unet</c>.</summary>
    [Id(2)] public string? Config { get; init; }

    /// <summary>Per-pixel variance of the spectral prior (default 0.25).</summary>
    [Id(3)] public double? Variance { get; init; }

    /// <summary>Spectral exponent α of the spectral prior (default 3.5).</summary>
    [Id(4)] public double? Alpha { get; init; }

    /// <summary>UNet torso precision (<c>fp32</c>, <c>bf16</c>, <c>fp16</c>); null: the config's <c>use_fp16</c>, else fp32.
    /// Part of the batching key, since items of different precisions cannot share a network.</summary>
    [Id(5)] public string? Precision { get; init; }
}

/// <summary>One task and its operator parameters (names as in the operator settings of Core).</summary>
[GenerateSerializer, Immutable]
public sealed record TaskSettings
{
    /// <summary>Canonical task name, e.g. <c>inpainting_random</c>.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>Measurement noise σ_y (in [-1, 1] image units); null takes the protocol's or the default.</summary>
    [Id(1)] public double? NoiseSigma { get; init; }

    /// <summary>Task-specific parameters (e.g. <c>scale</c>, <c>kernel_std</c>) as invariant strings.</summary>
    [Id(2)] public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Sampler settings of this task; what it leaves null comes from the job's (<see cref="JobDefinition.Sampler"/>).</summary>
    [Id(3)] public SamplerParams? Sampler { get; init; }

    /// <summary>Best-of-K per image in the summaries (K ≤ runs); null = mean over runs.</summary>
    [Id(4)] public int? BestOf { get; init; }
}
