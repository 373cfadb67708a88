using System.Globalization;
using System.Text.RegularExpressions;

namespace Spgd.Contracts.Jobs;

/// <summary>
/// Checks a loaded <see cref="JobSpec"/> for values that cannot work or make no sense, before any work is scheduled.
/// Each problem is one message naming the field, the value and what is expected.
/// </summary>
public static partial class JobSpecValidator
{
    /// <summary>Bounds that keep jobs sane.</summary>
    public const int MaxSteps = SamplerDefaults.MaxSteps, MaxWarmup = SamplerDefaults.MaxWarmup, MaxRuns = 1000, MinImageSize = 8, MaxImageSize = 1024, MaxBuiltinCount = 100_000;

    /// <summary>Every problem of <paramref name="spec"/> (empty when it is valid).</summary>
    public static IReadOnlyList<string> Validate(JobSpec spec, JobSpecValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new JobSpecValidationOptions();
        var problems = new List<string>();
        void Add(string field, string message) => problems.Add($"{field}: {message}");

        if (spec.JobId is { } id && !SafeName().IsMatch(id))
            Add("job_id", $"'{id}' is not a valid id: use 1-64 letters, digits, '.', '_' or '-', not starting with '.'");
        ValidateRuns(spec.Runs, Add);

        if (spec.Protocol is { } protocol && Protocol.Find(protocol) is null)
            Add("protocol", $"unknown protocol '{protocol}': expected one of {Protocol.Names}");
        // Accepted by the schema but not run by the cluster: refused, never silently ignored.
        if (spec.Metrics.LpipsWeights is not null)
            Add("metrics.lpips_weights", "is not read from a spec: the silos load LPIPS weights from their own settings (SPGD_LPIPS_VGG, SPGD_LPIPS_LIN; spgd run --lpips-vgg/--lpips-lin); remove it");
        if (spec.Metrics.VggWeights is not null)
            Add("metrics.vgg_weights", "is not read from a spec: the silos load LPIPS weights from their own settings (SPGD_LPIPS_VGG, SPGD_LPIPS_LIN); remove it");
        if (!spec.Save.Restored) Add("save.restored", "false is not supported: every item stores its restored image (the report and spgd results read it)");
        if (!spec.Save.ItemJson) Add("save.item_json", "false is not supported: every item stores its record (resuming and reconciling a job read it)");

        ValidateDataset(spec.Dataset, options, Add);
        ValidateModel(spec.Model, spec.Dataset.ImageSize, options, Add);

        if (spec.Tasks.Count == 0) Add("tasks", $"at least one task is required; valid tasks: {TaskNames.Describe()}");
        var labels = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < spec.Tasks.Count; i++)
        {
            var task = spec.Tasks[i];
            var field = $"tasks[{i}]";
            var canonical = ValidateTaskName(task.Name, field, Add);
            var label = task.Label ?? canonical;
            if (task.Label is not null && canonical is not null && !string.Equals(task.Label, canonical, StringComparison.OrdinalIgnoreCase))
                Add(field + ".label", $"'{task.Label}' is not supported: a job's results are stored under the canonical task name ('{canonical}'), and a task runs once per job");
            else if (task.Label is not null && !SafeName().IsMatch(task.Label))
                Add(field + ".label", $"'{task.Label}' is not a valid folder name: use 1-64 letters, digits, '.', '_' or '-'");
            else if (label is not null)
            {
                if (labels.TryGetValue(label, out var other))
                    Add(field + ".label", $"'{label}' is already used by tasks[{other}]; give one of them a different label");
                else labels[label] = i;
            }
            ValidateOperator(task.Operator, canonical, spec.Dataset.ImageSize, field + ".operator", options, Add);
            ValidateSampler(task.Sampler, field + ".sampler", Add, canonical);
            if (task.BestOf is { } k) ValidateBestOf(k, spec.Runs, field, Add);
        }
        if (spec.Sweep is { } sweep)
        {
            // A task's setting that the sweep also lists would be overridden at every grid point: refuse it.
            for (var i = 0; i < spec.Tasks.Count; i++)
            {
                var s = spec.Tasks[i].Sampler;
                foreach (var (key, own, swept) in new (string, object?, object?)[]
                {
                    ("sampler", s.Sampler, sweep.Samplers), ("steps", s.Steps, sweep.Steps), ("warmup", s.Warmup, sweep.Warmup),
                    ("lr", s.LearningRate, sweep.LearningRate), ("beta", s.Beta, sweep.Beta), ("preset", s.Preset, sweep.Preset),
                    ("adm", s.Adm, sweep.Adm), ("diffstategrad_tau", s.DiffStateGradTau, sweep.DiffStateGradTau), ("dps_step_size", s.DpsStepSize, sweep.DpsStepSize),
                    ("adm_scope", s.AdmScope, sweep.AdmScope),
                })
                    if (own is not null && swept is not null) Add($"tasks[{i}].sampler.{key}", $"the sweep lists {key}, which sets it at every grid point; remove it here");
            }
            // SweepExpander's messages already read "sweep.<key>[i]: <value> <why>".
            problems.AddRange(Sweeps.SweepExpander.Problems(sweep));
            if (sweep.Warmup?.FirstOrDefault(n => n > MaxWarmup) is { } n and > 0) Add("sweep.warmup", $"{n} is out of range: expected 1..{MaxWarmup}");
            if (sweep.Steps?.FirstOrDefault(t => t > MaxSteps) is { } t and > 0) Add("sweep.steps", $"{t} is out of range: expected 1..{MaxSteps}");
        }

        if (options.CheckFiles)
        {
            RequireFile(spec.Metrics.LpipsWeights, "metrics.lpips_weights", options, Add);
            RequireFile(spec.Metrics.VggWeights, "metrics.vgg_weights", options, Add);
        }
        return problems;
    }

    /// <summary>Problems listed in full by <see cref="ThrowIfInvalid(JobSpec, JobSpecValidationOptions?)"/>; the rest are counted.</summary>
    public const int ProblemsListed = 3;

    /// <summary>Throws <see cref="ArgumentException"/> whose one-line message lists the first <see cref="ProblemsListed"/>
    /// problems (separated by "; ") and counts the rest ("and N more"): a CLI error is exactly one line.</summary>
    public static void ThrowIfInvalid(JobSpec spec, JobSpecValidationOptions? options = null)
    {
        var problems = Validate(spec, options);
        if (problems.Count == 0) return;
        var listed = string.Join("; ", problems.Take(ProblemsListed).Select(p => p.ReplaceLineEndings(" ")));
        var more = problems.Count > ProblemsListed ? $"; and {problems.Count - ProblemsListed} more" : "";
        throw new ArgumentException($"invalid job spec ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}): {listed}{more}");
    }

    /// <summary>
    /// The absolute folder of a folder dataset, following <see cref="JobSpecValidationOptions.DatasetRoot"/> or
    /// <see cref="JobSpecValidationOptions.BaseDirectory"/> (no checks; see <see cref="Validate"/>).
    /// </summary>
    public static string ResolveDatasetFolder(string folder, JobSpecValidationOptions options) =>
        Path.GetFullPath(Path.Combine(options.DatasetRoot ?? options.BaseDirectory ?? Directory.GetCurrentDirectory(), folder));

    /// <summary>The image files a folder dataset selects (ordinal name order, index range applied).</summary>
    public static IReadOnlyList<string> SelectImages(string folder, DatasetSpec dataset)
    {
        var all = ListImages(folder);
        var start = Math.Clamp(dataset.StartIndex ?? 0, 0, all.Count);
        var end = Math.Clamp(dataset.EndIndex ?? all.Count, start, all.Count);
        return all.Skip(start).Take(end - start).ToList();
    }

    private static void ValidateDataset(DatasetSpec dataset, JobSpecValidationOptions options, Action<string, string> add)
    {
        ValidateImageSize(dataset.ImageSize, add);
        var sources = new[] { ("folder", dataset.Folder), ("blob_prefix", dataset.BlobPrefix), ("builtin", dataset.Builtin) }
            .Where(s => s.Item2 is not null).Select(s => s.Item1).ToList();
        if (sources.Count == 0)
        {
            add("dataset", $"no image source: set one of folder, blob_prefix or builtin ({DatasetSpec.SpectralDemo})");
            return;
        }
        if (sources.Count > 1)
        {
            add("dataset", $"{string.Join(" and ", sources)} are both set: choose one image source");
            return;
        }
        if (dataset.StartIndex is < 0) add("dataset.start_index", $"{dataset.StartIndex} must be >= 0");
        if (dataset.EndIndex is { } end && end <= (dataset.StartIndex ?? 0))
            add("dataset.end_index", $"{end} must be greater than start_index {dataset.StartIndex ?? 0} (the range is [start, end))");
        if (dataset.Split is not null && dataset.Folder is null && dataset.BlobPrefix is null)
            add("dataset.split", $"'{dataset.Split}' needs dataset.folder or dataset.blob_prefix: where the split's files are");
        if (dataset.BlobContainer is not null && dataset.BlobPrefix is null)
            add("dataset.blob_container", "only applies together with blob_prefix");

        if (dataset.Builtin is { } builtin)
        {
            if (!string.Equals(builtin.Trim(), DatasetSpec.SpectralDemo, StringComparison.OrdinalIgnoreCase))
                add("dataset.builtin", $"unknown built-in dataset '{builtin}': the only one is '{DatasetSpec.SpectralDemo}'");
            if (dataset.Count is null) add("dataset.count", $"required for the built-in dataset: how many images to generate (1..{MaxBuiltinCount})");
            else ValidateBuiltinCount(dataset.Count.Value, add);
            return;
        }
        if (dataset.Count is not null) add("dataset.count", "only applies to a built-in dataset; use start_index/end_index to select files");

        if (dataset.BlobPrefix is { } prefix)
        {
            if (BlobPathProblem(prefix) is { } problem) add("dataset.blob_prefix", $"'{prefix}' {problem}");
            if (dataset.BlobContainer is { } container && !ContainerName().IsMatch(container))
                add("dataset.blob_container", $"'{container}' is not a valid container name: 3-63 lowercase letters, digits and single hyphens");
            return;
        }

        var folder = dataset.Folder!;
        if (folder.Trim().Length == 0)
        {
            add("dataset.folder", "is empty");
            return;
        }
        var full = ResolveDatasetFolder(folder, options);
        if (options.DatasetRoot is { } rootSetting)
        {
            var root = Path.GetFullPath(rootSetting);
            if (!IsInside(full, root))
            {
                add("dataset.folder", $"'{folder}' resolves to '{full}', outside the allowed dataset root '{root}'");
                return;
            }
            if (options.CheckFiles && Directory.Exists(full) && Directory.Exists(root))
            {
                var real = ResolveLinks(full);
                var realRoot = ResolveLinks(root);
                if (!IsInside(real, realRoot))
                {
                    add("dataset.folder", $"'{folder}' leads through a symbolic link to '{real}', outside the allowed dataset root '{realRoot}'");
                    return;
                }
            }
        }
        if (!options.CheckFiles) return;
        if (!Directory.Exists(full))
        {
            add("dataset.folder", $"folder not found: '{full}'");
            return;
        }
        var count = ListImages(full).Count;
        var start = dataset.StartIndex ?? 0;
        if (count == 0)
            add("dataset.folder", $"no images ({string.Join(", ", JobSpecValidationOptions.ImageExtensions.Select(e => "*" + e))}) found in '{full}'");
        else if (start >= count)
            add("dataset.start_index", $"{start} selects no image: '{full}' has {count} image{(count == 1 ? "" : "s")} (indices 0..{count - 1})");
    }

    private static void ValidateModel(ModelSpec model, int imageSize, JobSpecValidationOptions options, Action<string, string> add)
    {
        var kind = model.Kind?.Trim().ToLowerInvariant().Replace('_', '-');
        if (kind is null)
        {
            add("model.kind", $"missing: expected '{ModelSpec.SpectralGaussian}' or '{ModelSpec.UNet}'");
            return;
        }
        if (kind == ModelSpec.SpectralGaussian)
        {
            if (model.Variance is { } v && !(v > 0 && double.IsFinite(v))) add("model.variance", $"{Num(v)} must be a finite number > 0");
            if (model.Alpha is { } a && !(a >= 0 && a <= 10)) add("model.alpha", $"{Num(a)} is out of range: expected 0..10");
            foreach (var (name, value) in new[] { ("preset", model.Preset), ("config", model.Config), ("checkpoint", model.Checkpoint), ("checkpoint_blob", model.CheckpointBlob), ("precision", model.Precision) })
                if (value is not null) add("model." + name, $"does not apply to the {ModelSpec.SpectralGaussian} prior (only to '{ModelSpec.UNet}')");
            return;
        }
        if (kind != ModelSpec.UNet)
        {
            add("model.kind", $"unknown model kind '{model.Kind}': expected '{ModelSpec.SpectralGaussian}' or '{ModelSpec.UNet}'");
            return;
        }
        if (model.Variance is not null) add("model.variance", $"does not apply to the UNet (only to '{ModelSpec.SpectralGaussian}')");
        if (model.Alpha is not null) add("model.alpha", $"does not apply to the UNet (only to '{ModelSpec.SpectralGaussian}')");
        if (model.Precision is { } precision && !PrecisionNames.All.Contains(precision.Trim().ToLowerInvariant()))
            add("model.precision", $"unknown precision '{precision}': expected one of {string.Join(", ", PrecisionNames.All)}");
        if (model.Preset is null == (model.Config is null))
            add("model", $"a UNet needs exactly one of preset ({string.Join(", ", ModelSpec.Presets)}) or config (a configuration file)");
        if (model.Preset is { } preset)
        {
            if (!ModelSpec.Presets.Contains(preset.Trim().ToLowerInvariant()))
                add("model.preset", $"unknown preset '{preset}': expected one of {string.Join(", ", ModelSpec.Presets)}");
            else if (imageSize != 256)
                add("dataset.image_size", $"{imageSize} does not match the {preset} model, which works on 256x256 images");
        }
        if (model.Checkpoint is null == (model.CheckpointBlob is null))
            add("model", "a UNet needs exactly one of checkpoint (a local file) or checkpoint_blob (a blob in the job store)");
        if (model.CheckpointBlob is { } blob && BlobPathProblem(blob) is { } problem) add("model.checkpoint_blob", $"'{blob}' {problem}");
        if (options.CheckFiles)
        {
            RequireFile(model.Config, "model.config", options, add);
            RequireFile(model.Checkpoint, "model.checkpoint", options, add);
        }
    }

    private static string? ValidateTaskName(string? name, string field, Action<string, string> add)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            add(field + ".name", $"missing; valid tasks: {TaskNames.Describe()}");
            return null;
        }
        var canonical = TaskNames.TryNormalize(name);
        if (canonical is not null) return canonical;
        add(field + ".name", name.Trim().Equals("inpainting", StringComparison.OrdinalIgnoreCase)
            ? "'inpainting' is ambiguous: use 'inpainting_random' or 'inpainting_box'"
            : $"unknown task '{name}'; valid tasks: {TaskNames.Describe()}");
        return null;
    }

    private static void ValidateOperator(OperatorParams op, string? task, int imageSize, string field, JobSpecValidationOptions options, Action<string, string> add)
    {
        if (op.NoiseSigma is { } sigma && !(sigma >= 0 && sigma <= 10)) add(field + ".noise_sigma", $"{Num(sigma)} is out of range: expected 0..10");
        // Parameters of another task are almost always a copy-paste slip: report them instead of ignoring them.
        void Only(object? value, string key, string[] tasks)
        {
            if (value is not null && task is not null && !tasks.Contains(task))
                add($"{field}.{key}", $"does not apply to task '{task}' (only to {string.Join(", ", tasks)})");
        }
        string[] inpainting = ["inpainting_random", "inpainting_box"], blurs = ["gaussian_blur", "motion_blur"];
        Only(op.MaskFraction, "mask_fraction", ["inpainting_random"]);
        Only(op.BoxSize, "box_size", ["inpainting_box"]);
        Only(op.BoxMargin, "box_margin", ["inpainting_box"]);
        Only(op.KernelSize, "kernel_size", blurs);
        Only(op.KernelStd, "kernel_std", ["gaussian_blur"]);
        Only(op.MotionIntensity, "motion_intensity", ["motion_blur"]);
        Only(op.Scale, "scale", ["super_resolution"]);
        Only(op.Oversample, "oversample", ["phase_retrieval"]);
        Only(op.HdrScale, "hdr_scale", ["hdr"]);
        Only(op.KernelPath, "kernel_path", blurs);
        Only(op.MaskPath, "mask_path", inpainting);
        NonlinearBlurSpec.Validate(op, task, imageSize, field, options, add);

        if (op.MaskFraction is { } f && !(f >= 0 && f < 1)) add(field + ".mask_fraction", $"{Num(f)} is out of range: expected [0, 1)");
        if (op.BoxSize is { } box && (box < 1 || box >= imageSize)) add(field + ".box_size", $"{box} is out of range: expected 1..{imageSize - 1} for {imageSize}x{imageSize} images");
        if (op.BoxMargin is { } margin && (margin < 0 || 2 * margin >= imageSize))
            add(field + ".box_margin", $"{margin} is out of range: expected 0..{(imageSize - 1) / 2} for {imageSize}x{imageSize} images");
        if (op.KernelSize is { } k && (k < 1 || k % 2 == 0 || k > 2 * imageSize - 1))
            add(field + ".kernel_size", $"{k} must be an odd number in 1..{2 * imageSize - 1}");
        if (op.KernelStd is { } std && !(std > 0 && std <= 100)) add(field + ".kernel_std", $"{Num(std)} is out of range: expected (0, 100]");
        if (op.MotionIntensity is { } mi && !(mi >= 0 && mi <= 1)) add(field + ".motion_intensity", $"{Num(mi)} is out of range: expected [0, 1]");
        if (op.Scale is { } scale && (scale < 1 || scale > imageSize || imageSize % scale != 0))
            add(field + ".scale", $"{scale} must be a divisor of the image size {imageSize} (e.g. 2, 4, 8)");
        if (op.Oversample is { } over && !(over >= 0 && over <= 16)) add(field + ".oversample", $"{Num(over)} is out of range: expected 0..16");
        if (op.HdrScale is { } hdr && !(hdr > 0 && hdr <= 100)) add(field + ".hdr_scale", $"{Num(hdr)} is out of range: expected (0, 100]");
        if (options.CheckFiles && task is not null)
        {
            if (blurs.Contains(task)) RequireFile(op.KernelPath, field + ".kernel_path", options, add);
            if (inpainting.Contains(task)) RequireFile(op.MaskPath, field + ".mask_path", options, add);
        }
    }

    private static void ValidateSampler(SamplerParams s, string field, Action<string, string> add, string? task = null)
    {
        if (s.Steps is { } steps && steps is < 1 or > MaxSteps) add(field + ".steps", $"{steps} is out of range: expected 1..{MaxSteps}");
        if (s.Warmup is { } warmup && warmup is < 1 or > MaxWarmup) add(field + ".warmup", $"{warmup} is out of range: expected 1..{MaxWarmup} (network evaluations per step)");
        if (s.LearningRate is { } lr && !(lr > 0 && double.IsFinite(lr))) add(field + ".lr", $"{Num(lr)} must be a finite number > 0");
        if (s.LrMinRatio is { } ratio && !(ratio > 0 && ratio <= 100)) add(field + ".lr_min_ratio", $"{Num(ratio)} is out of range: expected (0, 100]");
        if (s.Beta is { } beta && !(beta >= SamplerDefaults.MinBeta && beta <= SamplerDefaults.MaxBeta)) add(field + ".beta", $"{Num(beta)} is out of range: expected [0, 1]");
        if (s.AdmScope is { } scope && !AdmScopes.IsKnown(scope))
            add(field + ".adm_scope", $"unknown ADM scope '{scope}': expected {string.Join(" or ", AdmScopes.All)}");
        if (s.Preset is { } preset && !SamplerParams.Presets.Contains(preset.Trim().ToLowerInvariant()))
            add(field + ".preset", $"unknown preset '{preset}': expected {string.Join(" or ", SamplerParams.Presets)}");
        if (s.DiffStateGradTau is { } tau && !(tau > 0 && tau <= 1)) add(field + ".diffstategrad_tau", $"{Num(tau)} is out of range: expected (0, 1]");
        if (s.DiffStateGradPeriod is { } period && period < 1) add(field + ".diffstategrad_period", $"{period} must be >= 1");
        if (s.DiffStateGradPeriod is not null && s.DiffStateGradTau is null)
            add(field + ".diffstategrad_period", "has no effect without diffstategrad_tau");
        if (s.SigmaMax is { } max && !(max > 0 && double.IsFinite(max))) add(field + ".sigma_max", $"{Num(max)} must be a finite number > 0");
        if (s.SigmaMin is { } min && !(min > 0 && double.IsFinite(min))) add(field + ".sigma_min", $"{Num(min)} must be a finite number > 0");
        if (s.Sampler is { } kind && !Sweeps.SamplerKinds.IsKnown(kind))
            add(field + ".sampler", $"unknown sampler '{kind}': expected {string.Join(", ", Sweeps.SamplerKinds.All)}");
        if (s.DpsStepSize is { } zeta && !(zeta >= 0 && double.IsFinite(zeta))) add(field + ".dps_step_size", $"{Num(zeta)} must be a finite number >= 0");
        if (s.SigmaMax is { } hi && s.SigmaMin is { } lo && hi > 0 && lo > 0 && lo >= hi)
            add(field + ".sigma_min", $"{Num(lo)} must be smaller than sigma_max {Num(hi)}");

        // A setting the chosen algorithm does not use would be accepted and silently ignored: refuse it instead.
        var algorithm = s.Sampler?.Trim().ToLowerInvariant() ?? Sweeps.SamplerKinds.Spgd;
        void NotFor(object? value, string key, string why) { if (value is not null) add($"{field}.{key}", why); }
        if (Sweeps.SamplerKinds.IsBaseline(algorithm))
        {
            if (task is not null && BaselineMethods.Refusal(algorithm, task) is { } refusal) add(field + ".sampler", $"{algorithm} cannot run {task}: {refusal}");
            var baseline = $"does not apply to sampler {algorithm} (it runs at its own protocol; docs/evaluation.md)";
            NotFor(s.Steps, "steps", baseline); NotFor(s.DpsStepSize, "dps_step_size", baseline); NotFor(s.SigmaMax, "sigma_max", baseline); NotFor(s.SigmaMin, "sigma_min", baseline);
            NotFor(s.Warmup, "warmup", baseline); NotFor(s.LearningRate, "lr", baseline); NotFor(s.LrMinRatio, "lr_min_ratio", baseline);
            NotFor(s.Beta, "beta", baseline); NotFor(s.Preset, "preset", baseline); NotFor(s.Adm, "adm", baseline); NotFor(s.AdmScope, "adm_scope", baseline);
            NotFor(s.DiffStateGradTau, "diffstategrad_tau", baseline); NotFor(s.DiffStateGradPeriod, "diffstategrad_period", baseline);
            return;
        }
        if (algorithm == Sweeps.SamplerKinds.DpsEdm)
        {
            const string dps = "does not apply to sampler dps-edm (one likelihood step of dps_step_size per outer step)";
            NotFor(s.Warmup, "warmup", dps); NotFor(s.LearningRate, "lr", dps); NotFor(s.LrMinRatio, "lr_min_ratio", dps);
            NotFor(s.Beta, "beta", dps); NotFor(s.Preset, "preset", dps); NotFor(s.Adm, "adm", dps); NotFor(s.AdmScope, "adm_scope", dps);
            NotFor(s.DiffStateGradTau, "diffstategrad_tau", dps); NotFor(s.DiffStateGradPeriod, "diffstategrad_period", dps);
            return;
        }
        NotFor(s.DpsStepSize, "dps_step_size", $"only applies to sampler dps-edm (this task runs {algorithm})");
        var adm = algorithm != Sweeps.SamplerKinds.Plain && (s.Adm ?? SamplerDefaults.Adm(s.Preset ?? SamplerDefaults.Preset));
        if (algorithm == Sweeps.SamplerKinds.Plain)
        {
            const string plain = "does not apply to sampler plain (SPGD with N = 1 and no ADM)";
            NotFor(s.Warmup, "warmup", plain); NotFor(s.Adm, "adm", plain); NotFor(s.Preset, "preset", plain);
        }
        if (!adm)
        {
            var why = algorithm == Sweeps.SamplerKinds.Plain ? "has no effect: sampler plain runs without ADM"
                : "has no effect without ADM (set adm: true, or preset: paper)";
            NotFor(s.Beta, "beta", why); NotFor(s.AdmScope, "adm_scope", why);
        }
    }

    internal static void RequireFile(string? path, string field, JobSpecValidationOptions options, Action<string, string> add)
    {
        if (path is null) return;
        var full = Path.GetFullPath(Path.Combine(options.BaseDirectory ?? Directory.GetCurrentDirectory(), path));
        if (!File.Exists(full)) add(field, $"file not found: '{full}'");
    }

    private static IReadOnlyList<string> ListImages(string folder) => Directory.EnumerateFiles(folder)
        .Where(f => JobSpecValidationOptions.ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
        .Order(StringComparer.Ordinal).ToList();

    private static bool IsInside(string path, string root) => PathConfinement.IsInside(path, root);

    private static string ResolveLinks(string path) => PathConfinement.ResolveLinks(path);

    private static string? BlobPathProblem(string path)
    {
        if (path.Length == 0) return "is empty";
        if (path.StartsWith('/')) return "must be relative (no leading '/')";
        if (path.Any(char.IsControl)) return "contains a control character";
        if (path.Contains('\\')) return "contains '\\' (use '/')";
        if (path.Split('/').Any(s => s is "." or "..")) return "contains a '.' or '..' segment";
        return null;
    }

    private static string Num(double value) => value.ToString("G", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^[A-Za-z0-9_\-][A-Za-z0-9._\-]{0,63}$")]
    private static partial Regex SafeName();

    [GeneratedRegex(@"^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex ContainerName();
}
