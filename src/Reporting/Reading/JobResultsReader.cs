using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Spgd.Evaluation.Manifests;
using Spgd.Reporting.Records;

namespace Spgd.Reporting.Reading;

/// <summary>
/// Reads a job's stored results from its folder <c>jobs/{job}/</c> (the storage layout of the cluster):
/// <list type="bullet">
/// <item><c>items/**/{image}-run{r}.json</c>: one record per item (the cluster's item outcome: <c>task</c>,
/// <c>imageId</c>, <c>run</c>, <c>metrics</c> {<c>psnr</c>, <c>ssim</c>, <c>lpips</c>}, <c>error</c>,
/// <c>networkEvaluations</c>, <c>device</c>, <c>seconds</c>; plus <c>method</c>, the grid-point label). Without
/// <c>method</c>, an item stored as <c>items/{point}/{task}/…</c> takes its point key, others the job's
/// <c>method</c> fact or "SPGD".</item>
/// <item>beside each record: <c>{stem}.png</c> (restoration), <c>{stem}.measurement.png</c>, <c>{stem}.clean.png</c>
/// (or <c>inputs/{image}.png</c>) and <c>{stem}.steps.json</c> (an array of <see cref="StepRecord"/>, camelCase).</item>
/// <item><c>spec.yaml</c>/<c>spec.yml</c>/<c>spec.json</c>: the job's spec; <c>facts.json</c>: an object of facts;
/// <c>grid.json</c>: the grid's labels in row order (strings or objects with <c>label</c>).</item>
/// <item><c>manifest.json</c> or <c>summary/manifest.json</c> (Spgd.Evaluation's data-set manifest): software version,
/// model, digests, split and source become facts; its embedded spec is used when no spec file is stored.</item>
/// </list>
/// </summary>
public static class JobResultsReader
{
    /// <summary>The reason given to an item the manifest expects (its seed is listed) but that has no record.</summary>
    public const string MissingRecord = "missing: the manifest expects this item but no record is stored";

    /// <summary>The start of the reason given to an item whose record cannot be read.</summary>
    public const string UnreadableRecord = "unreadable record";

    private static readonly JsonSerializerOptions StepJson = new(JsonSerializerDefaults.Web);
    private static readonly Regex StemPattern = new(@"^(?<image>.+)-run(?<run>\d+)$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Reads everything under <paramref name="jobFolder"/>. Nothing is hidden: a record that is not valid JSON or lacks
    /// what it must have becomes a failed item whose reason starts with <see cref="UnreadableRecord"/> and names the file,
    /// and every item the manifest expects (its <c>seeds</c>) without a record becomes a failed item with reason
    /// <see cref="MissingRecord"/>, so tables count it and the failures list it.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No such folder, or it has no <c>items</c> folder.</exception>
    /// <exception cref="InvalidDataException">The facts, grid or manifest file is unreadable (the message names the file).</exception>
    public static ReportInput Read(string jobFolder)
    {
        ArgumentNullException.ThrowIfNull(jobFolder);
        if (!Directory.Exists(jobFolder)) throw new DirectoryNotFoundException($"{jobFolder}: job folder not found");
        var itemsFolder = Path.Combine(jobFolder, "items");
        if (!Directory.Exists(itemsFolder))
            throw new DirectoryNotFoundException($"{jobFolder}: no items/ folder (expected jobs/{{job}}/items/{{task}}/{{image}}-run{{r}}.json)");

        var jobId = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(jobFolder)));
        var facts = ReadFacts(Path.Combine(jobFolder, "facts.json"));
        var spec = new[] { "spec.yaml", "spec.yml", "spec.json" }.Select(f => Path.Combine(jobFolder, f)).Where(File.Exists)
            .Select(File.ReadAllText).FirstOrDefault();
        var manifestPath = new[] { "manifest.json", Path.Combine("summary", "manifest.json") }.Select(f => Path.Combine(jobFolder, f)).FirstOrDefault(File.Exists);
        IReadOnlyCollection<string> expected = [];
        if (manifestPath is not null)
        {
            var manifest = DatasetManifest.Load(manifestPath);
            expected = manifest.Seeds.Keys.ToList();
            facts.TryAdd("software version", manifest.SoftwareVersion);
            facts.TryAdd("model", manifest.Model);
            facts.TryAdd("manifest digest", manifest.Digest);
            facts.TryAdd("data digest", manifest.DataDigest);
            facts.TryAdd("images in manifest", manifest.Entries.Count.ToString(CultureInfo.InvariantCulture));
            if (manifest.Split is { } split) facts.TryAdd("split", split);
            if (manifest.Source is { } source) facts.TryAdd("data source", source);
            spec ??= manifest.Spec;
        }
        var defaultMethod = facts.GetValueOrDefault("method") ?? "SPGD";

        var items = new List<ItemResult>();
        var steps = new Dictionary<string, IReadOnlyList<StepRecord>>();
        var images = new Dictionary<string, ItemImages>();
        foreach (var file in Directory.EnumerateFiles(itemsFolder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (file.EndsWith(".steps.json", StringComparison.Ordinal)) continue;
            var relative = Path.GetRelativePath(itemsFolder, file).Replace('\\', '/');
            var itemId = relative[..^".json".Length];
            ItemResult item;
            try
            {
                item = ReadItem(file, itemId, defaultMethod);
            }
            catch (InvalidDataException e)
            {
                var segments = itemId.Split('/');
                item = FromPath(itemId, segments.Length >= 3 ? segments[^3] : defaultMethod, $"{UnreadableRecord}: {e.Message}");
            }
            items.Add(item);
            var stem = file[..^".json".Length];
            if (File.Exists(stem + ".steps.json")) steps[itemId] = ReadSteps(stem + ".steps.json");
            var clean = File.Exists(stem + ".clean.png") ? stem + ".clean.png" : Path.Combine(jobFolder, "inputs", item.ImageId + ".png");
            images[itemId] = new ItemImages(itemId, Bytes(stem + ".png"), Bytes(stem + ".measurement.png"), Bytes(clean));
        }
        var recorded = items.Select(i => i.ItemId).ToHashSet(StringComparer.Ordinal);
        // A sweep's missing item is labelled as its point's recorded items are (its id holds only the point's key).
        var methodOfPoint = items.Where(i => i.ItemId.Count(c => c == '/') >= 2)
            .GroupBy(i => i.ItemId[..i.ItemId.IndexOf('/')], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Method, StringComparer.Ordinal);
        foreach (var id in expected.Where(id => !recorded.Contains(id)).Order(StringComparer.Ordinal))
        {
            var point = id.Count(c => c == '/') >= 2 ? id[..id.IndexOf('/')] : null;
            items.Add(FromPath(id, point is null ? defaultMethod : methodOfPoint.GetValueOrDefault(point, point), MissingRecord));
        }
        return new ReportInput(new JobFacts(jobId, spec, facts), items, steps, images, ReadGrid(Path.Combine(jobFolder, "grid.json")));
    }

    // A failed item known only by its id ({task}/{image}-run{r}, or {point}/{task}/{image}-run{r}).
    private static ItemResult FromPath(string itemId, string method, string error)
    {
        var segments = itemId.Split('/');
        var stem = StemPattern.Match(segments[^1]);
        return new ItemResult(itemId, method, segments.Length >= 2 ? segments[^2] : "unknown", stem.Success ? stem.Groups["image"].Value : segments[^1],
            stem.Success ? int.Parse(stem.Groups["run"].Value, CultureInfo.InvariantCulture) : 0, null, null, null, 0, error);
    }

    private static ItemResult ReadItem(string file, string itemId, string defaultMethod)
    {
        using var document = Parse(file);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{file}: an item record must be a JSON object");
        var segments = itemId.Split('/');
        var stem = StemPattern.Match(segments[^1]);

        var task = String(root, "task") ?? (segments.Length >= 2 ? segments[^2] : null)
            ?? throw new InvalidDataException($"{file}: no 'task' in the record and none in its path");
        var imageId = String(root, "imageId") ?? (stem.Success ? stem.Groups["image"].Value : null)
            ?? throw new InvalidDataException($"{file}: no 'imageId' in the record and the file name is not {{image}}-run{{r}}.json");
        var run = Number(root, "run") is { } r ? (int)r : stem.Success ? int.Parse(stem.Groups["run"].Value, CultureInfo.InvariantCulture) : 0;
        var method = String(root, "method") ?? String(root, "gridPoint") ?? (segments.Length >= 3 ? segments[^3] : defaultMethod);

        var metrics = root.TryGetProperty("metrics", out var m) && m.ValueKind == JsonValueKind.Object ? m : root;
        var error = String(root, "error");
        var kind = String(root, "kind");
        if (error is null && kind is not null && kind.StartsWith("Failed", StringComparison.OrdinalIgnoreCase)) error = kind;
        double? psnr = Number(metrics, "psnr"), ssim = Number(metrics, "ssim"), lpips = Number(metrics, "lpips");
        if (error is null && psnr is null) error = "no metrics recorded";
        var nfe = (long)(Number(root, "networkEvaluations") ?? Number(root, "nfe") ?? 0);
        return new ItemResult(itemId, method, task, imageId, run, error is null ? psnr : null, error is null ? ssim : null,
            error is null ? lpips : null, nfe, error, String(root, "device"), Number(root, "seconds"));
    }

    private static IReadOnlyList<StepRecord> ReadSteps(string file)
    {
        try
        {
            return JsonSerializer.Deserialize<List<StepRecord>>(File.ReadAllText(file), StepJson)
                ?? throw new InvalidDataException($"{file}: expected an array of step records, got null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: not an array of step records ({e.Message})", e);
        }
    }

    private static Dictionary<string, string> ReadFacts(string file)
    {
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(file)) return facts;
        using var document = Parse(file);
        if (document.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{file}: facts must be a JSON object");
        foreach (var property in document.RootElement.EnumerateObject())
            facts[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        return facts;
    }

    private static IReadOnlyList<string>? ReadGrid(string file)
    {
        if (!File.Exists(file)) return null;
        using var document = Parse(file);
        if (document.RootElement.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{file}: the grid must be a JSON array");
        return document.RootElement.EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : String(e, "label"))
            .OfType<string>().ToList();
    }

    private static JsonDocument Parse(string file)
    {
        try { return JsonDocument.Parse(File.ReadAllBytes(file)); }
        catch (JsonException e) { throw new InvalidDataException($"{file}: not valid JSON ({e.Message})", e); }
    }

    private static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static byte[]? Bytes(string path) => File.Exists(path) ? File.ReadAllBytes(path) : null;
}
