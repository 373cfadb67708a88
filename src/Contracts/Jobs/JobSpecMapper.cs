using System.Globalization;

namespace Spgd.Contracts.Jobs;

/// <summary>Turns a validated <see cref="JobSpec"/> into the <see cref="JobDefinition"/> the cluster executes.</summary>
public static class JobSpecMapper
{
    /// <summary>
    /// The definition of <paramref name="spec"/>. Relative paths resolve against <paramref name="baseDirectory"/>
    /// (the spec file's folder); they must name the same files on the compute silos.
    /// </summary>
    public static JobDefinition ToDefinition(JobSpec spec, string? baseDirectory = null)
    {
        string? Resolve(string? path) => path is null || Path.IsPathRooted(path) || baseDirectory is null
            ? path
            : Path.GetFullPath(Path.Combine(baseDirectory, path));

        var d = spec.Dataset;
        var dataset = d switch
        {
            { Builtin: not null } => new DatasetRef { Kind = DatasetKind.SpectralDemo, Count = d.Count ?? 8, Size = d.ImageSize, Label = "spectral demo" },
            { Folder: { } folder } => new DatasetRef
            {
                Kind = DatasetKind.Folder, Path = Resolve(folder), Count = d.Count ?? 0, StartIndex = d.StartIndex, EndIndex = d.EndIndex,
                Size = d.ImageSize, Label = DatasetRef.LabelFor(Resolve(folder)!), Split = d.Split,
            },
            { BlobPrefix: { } prefix } => new DatasetRef
            {
                Kind = DatasetKind.Blob, BlobPrefix = prefix.EndsWith('/') ? prefix : prefix + "/", BlobContainer = d.BlobContainer,
                StartIndex = d.StartIndex, EndIndex = d.EndIndex, Size = d.ImageSize, Label = DatasetRef.LabelFor(prefix), Split = d.Split,
            },
            _ => throw new ArgumentException("dataset: no image source: set one of folder, blob_prefix or builtin."),
        };

        var m = spec.Model;
        var kind = m.Kind ?? ModelSpec.SpectralGaussian;
        var checkpoint = m.CheckpointBlob is { } blob ? ModelRef.BlobPrefix + blob : Resolve(m.Checkpoint);
        var model = kind == ModelSpec.UNet && m.Preset is { } preset && m.Config is null
            ? new ModelRef { Kind = preset, Checkpoint = checkpoint, Precision = m.Precision?.Trim().ToLowerInvariant() }
            : new ModelRef
            {
                Kind = kind, Checkpoint = checkpoint, Config = Resolve(m.Config), Variance = m.Variance, Alpha = m.Alpha,
                Precision = m.Precision?.Trim().ToLowerInvariant(),
            };

        var protocol = spec.Protocol is null ? null : Protocol.Find(spec.Protocol)
            ?? throw new ArgumentException($"protocol: '{spec.Protocol}' is not known: expected one of {Protocol.Names}");
        return new JobDefinition
        {
            Dataset = dataset,
            Model = model,
            Tasks = spec.Tasks.Select(t => new TaskSettings
            {
                Name = t.Name!,
                NoiseSigma = t.Operator.NoiseSigma,
                Parameters = Parameters(t.Operator, Resolve),
                Sampler = t.Sampler,
                BestOf = t.BestOf,
            }).ToList(),
            Runs = spec.Runs,
            Seed = spec.Seed,
            Save = spec.Save,
            Grid = spec.Sweep is { } sweep ? Grid(sweep, spec.Tasks, protocol) : null,
            Protocol = protocol?.Name,
        };
    }

    // One grid for the whole job (one row per point): a key the sweep leaves out takes the tasks' own setting, which
    // therefore must agree across tasks, or two tasks would put different settings under the same row label. The
    // learning rate is the exception: left out of the sweep, each task keeps its own (resolved per task), as the
    // paper's tables give each task its own rate.
    private static IReadOnlyList<Sweeps.GridPoint> Grid(Sweeps.SamplerSweep sweep, IReadOnlyList<TaskSpec> tasks, Protocol? protocol)
    {
        var bases = tasks.Select(t => Sweeps.SweepBasis.From(t.Sampler, protocol) with { LearningRate = null }).Distinct().ToList();
        var points = bases.Select(b => Sweeps.SweepExpander.Points(sweep, b)).ToList();
        for (var i = 1; i < points.Count; i++)
            if (!points[i].SequenceEqual(points[0]))
                throw new NotSupportedException(
                    "sweep: the tasks' own sampler settings give different grids (a setting the sweep leaves out differs between tasks); " +
                    "put that setting into the sweep or make it equal for every task.");
        return points.Count > 0 ? points[0] : Sweeps.SweepExpander.Points(sweep, Sweeps.SweepBasis.From(new SamplerParams(), protocol));
    }

    private static Dictionary<string, string> Parameters(OperatorParams op, Func<string?, string?> resolve)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string key, IFormattable? value) { if (value is not null) parameters[key] = value.ToString(null, CultureInfo.InvariantCulture); }
        Add("mask_fraction", op.MaskFraction);
        Add("box_size", op.BoxSize);
        Add("box_margin", op.BoxMargin);
        Add("kernel_size", op.KernelSize);
        Add("kernel_std", op.KernelStd);
        Add("motion_intensity", op.MotionIntensity);
        Add("scale", op.Scale);
        Add("oversample", op.Oversample);
        Add("hdr_scale", op.HdrScale);
        if (resolve(op.KernelPath) is { } kernel) parameters["kernel_path"] = kernel;
        if (resolve(op.MaskPath) is { } mask) parameters["mask_path"] = mask;
        NonlinearBlurSpec.AddParameters(op, resolve, parameters);
        return parameters;
    }
}
