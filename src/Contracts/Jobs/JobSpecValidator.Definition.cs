namespace Spgd.Contracts.Jobs;

// The bounds a job definition must keep however it arrives (spec file, flags, API): the same checks, bounds and
// messages as the spec's, applied to the definition's types.
public static partial class JobSpecValidator
{
    /// <summary>Every bound <paramref name="definition"/> breaks (empty when none), in the spec's field names.</summary>
    public static IReadOnlyList<string> ValidateDefinition(JobDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var problems = new List<string>();
        void Add(string field, string message) => problems.Add($"{field}: {message}");
        ValidateRuns(definition.Runs, Add);
        ValidateImageSize(definition.Dataset.Size, Add);
        if (definition.Dataset.Kind == DatasetKind.SpectralDemo) ValidateBuiltinCount(definition.Dataset.Count, Add);
        ValidateSampler(AsParams(definition.Sampler), "sampler", Add);
        for (var i = 0; i < definition.Tasks.Count; i++)
        {
            var task = definition.Tasks[i];
            if (task.Sampler is { } sampler) ValidateSampler(AsParams(sampler), $"tasks[{i}].sampler", Add);
            if (task.BestOf is { } k) ValidateBestOf(k, definition.Runs, $"tasks[{i}]", Add);
        }
        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every broken bound of <paramref name="definition"/>.</summary>
    public static void ThrowIfInvalid(JobDefinition definition)
    {
        var problems = ValidateDefinition(definition);
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems));
    }

    private static void ValidateRuns(int runs, Action<string, string> add)
    {
        if (runs is < 1 or > MaxRuns) add("runs", $"{runs} is out of range: expected 1..{MaxRuns}");
    }

    private static void ValidateImageSize(int size, Action<string, string> add)
    {
        if (size is < MinImageSize or > MaxImageSize) add("dataset.image_size", $"{size} is out of range: expected {MinImageSize}..{MaxImageSize} pixels");
    }

    private static void ValidateBuiltinCount(int count, Action<string, string> add)
    {
        if (count is < 1 or > MaxBuiltinCount) add("dataset.count", $"{count} is out of range: expected 1..{MaxBuiltinCount} images");
    }

    private static void ValidateBestOf(int k, int runs, string field, Action<string, string> add)
    {
        if (k < 1 || k > runs) add(field + ".best_of", $"{k} is out of range: expected 1..runs ({runs}); best of K needs at least K runs per image");
    }

    private static SamplerParams AsParams(SamplerSettings s) => new()
    {
        Steps = s.Steps, Warmup = s.Warmup, LearningRate = s.LearningRate, LrMinRatio = s.LrMinRatio, Beta = s.Beta, Preset = s.Preset,
        DiffStateGradTau = s.DiffStateGradTau, DiffStateGradPeriod = s.DiffStateGradPeriod, SigmaMax = s.SigmaMax, SigmaMin = s.SigmaMin,
    };
}
