using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spgd.Contracts.Jobs;
using Spgd.Evaluation.Manifests;
using Spgd.Grains.Devices;
using Spgd.Storage;

namespace Spgd.Grains.Jobs;

/// <summary>
/// Binds a job id to what it computes: the digest of its resolved spec (the job definition after validation, without
/// the submitted YAML text, so comments and layout do not count) and the digest of its data set manifest (data and
/// weights). A second submission under the same id resumes only when both match; otherwise it is refused with a line
/// that names what differs, and the stored results stay as they were.
/// </summary>
public static class JobBinding
{
    /// <summary>Differences named in a refusal before the rest are counted.</summary>
    public const int DifferencesListed = 3;

    /// <summary><c>sha256:&lt;hex&gt;</c> of the resolved job definition's canonical JSON.</summary>
    public static string SpecDigest(JobDefinition resolved) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(Canonical(resolved), ItemJson.Options)));

    /// <summary>
    /// Null when <paramref name="fresh"/> (with its manifest) is the job already stored; else one line saying what
    /// differs, e.g. <c>spec differs: sampler.steps 3 → 6, tasks[0].name inpainting_random → gaussian_blur</c>.
    /// </summary>
    /// <param name="stored">The stored (resolved) definition.</param>
    /// <param name="storedSpecDigest">Its stored spec digest (null for jobs stored before digests were kept: computed from <paramref name="stored"/>).</param>
    /// <param name="storedManifestDigest">The stored manifest digest.</param>
    /// <param name="storedManifest">The stored manifest when readable, to name the files that changed.</param>
    /// <param name="fresh">The resolved definition submitted now.</param>
    /// <param name="freshManifest">Its manifest, built now.</param>
    public static string? Difference(JobDefinition stored, string? storedSpecDigest, string? storedManifestDigest, DatasetManifest? storedManifest,
        JobDefinition fresh, DatasetManifest freshManifest)
    {
        var parts = new List<string>();
        if ((storedSpecDigest ?? SpecDigest(stored)) != SpecDigest(fresh))
            parts.Add("spec differs: " + Describe(SpecChanges(stored, fresh)));
        if (storedManifestDigest != freshManifest.Digest)
            parts.Add(DataChange(storedManifest, freshManifest));
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    /// <summary>The settings that differ, as <c>path old → new</c>, in document order.</summary>
    public static IReadOnlyList<string> SpecChanges(JobDefinition stored, JobDefinition fresh)
    {
        var changes = new List<string>();
        Compare("", JsonSerializer.SerializeToNode(Canonical(stored), ItemJson.Options), JsonSerializer.SerializeToNode(Canonical(fresh), ItemJson.Options), changes);
        return changes;
    }

    /// <summary>
    /// Moves every blob under <c>jobs/{jobId}/</c> to <c>jobs/{aside}/</c> (copy, then delete), so a replaced job's results
    /// are kept but never mixed with the new run's. Returns how many blobs moved.
    /// </summary>
    public static async Task<int> MoveAsideAsync(IBlobStore store, string jobId, string aside, CancellationToken cancellationToken = default)
    {
        var from = ItemKeys.JobPrefix(jobId);
        var to = ItemKeys.JobPrefix(aside);
        var names = await store.ListAsync(from, cancellationToken);
        foreach (var name in names)
        {
            if (await store.GetAsync(name, cancellationToken) is not { } blob) continue;
            await store.PutAsync(to + name[from.Length..], blob.Content, cancellationToken: cancellationToken);
        }
        foreach (var name in names) await store.DeleteAsync(name, cancellationToken: cancellationToken);
        // A folder store keeps the emptied folders; the new run must not find the old tasks' folders there.
        if (store is FileBlobStore files && Directory.Exists(files.PathOf(from.TrimEnd('/'))))
            foreach (var dir in Directory.EnumerateDirectories(files.PathOf(from.TrimEnd('/')), "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).ToList())
                if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
        return names.Count;
    }

    /// <summary>The id a replaced job's results are moved to: <c>{jobId}.replaced-{UTC time}</c>.</summary>
    public static string AsideId(string jobId, DateTimeOffset now) =>
        $"{jobId}.replaced-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";

    private static JobDefinition Canonical(JobDefinition d) => d with { SpecText = null };

    private static string Describe(IReadOnlyList<string> changes) =>
        changes.Count == 0 ? "(stored before spec digests were kept)"
        : string.Join(", ", changes.Take(DifferencesListed)) + (changes.Count > DifferencesListed ? $" and {changes.Count - DifferencesListed} more" : "");

    private static string DataChange(DatasetManifest? stored, DatasetManifest fresh)
    {
        if (stored is null) return "data set or model differs (manifest digest changed)";
        if (stored.Model != fresh.Model && stored.DataDigest == fresh.DataDigest) return $"model weights differ: {stored.Model} → {fresh.Model}";
        var before = stored.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var after = fresh.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var changed = new List<string>();
        changed.AddRange(after.Keys.Where(n => before.TryGetValue(n, out var b) && b.Sha256 != after[n].Sha256).Select(n => $"{n} changed"));
        changed.AddRange(after.Keys.Where(n => !before.ContainsKey(n)).Select(n => $"{n} added"));
        changed.AddRange(before.Keys.Where(n => !after.ContainsKey(n)).Select(n => $"{n} removed"));
        var model = stored.Model != fresh.Model ? " (and the model weights)" : "";
        return changed.Count == 0
            ? $"data set differs: same files in another order or selection{model}"
            : $"data set differs{model}: {Describe(changed)}";
    }

    private static void Compare(string path, JsonNode? a, JsonNode? b, List<string> changes)
    {
        switch (a, b)
        {
            case (JsonObject oa, JsonObject ob):
                foreach (var key in oa.Select(p => p.Key).Concat(ob.Select(p => p.Key)).Distinct(StringComparer.Ordinal))
                    Compare(path.Length == 0 ? key : $"{path}.{key}", oa[key], ob[key], changes);
                break;
            case (JsonArray xa, JsonArray xb):
                for (var i = 0; i < Math.Max(xa.Count, xb.Count); i++)
                    Compare($"{path}[{i}]", i < xa.Count ? xa[i] : null, i < xb.Count ? xb[i] : null, changes);
                break;
            default:
                if (!JsonNode.DeepEquals(a, b)) changes.Add($"{path} {Text(a)} → {Text(b)}");
                break;
        }
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "(none)",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };
}
