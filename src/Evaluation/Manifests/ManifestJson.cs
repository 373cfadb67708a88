using System.Globalization;
using System.Text.Json;

namespace Spgd.Evaluation.Manifests;

/// <summary>
/// The manifest file (<c>manifest.json</c>): format tag, digests (with what they cover), split, source, software
/// version, model, spec (embedded JSON), seeds and entries. Seeds are written as decimal strings because they are
/// 64-bit and many JSON readers (JavaScript, jq) round integers above 2^53.
/// </summary>
public static class ManifestJson
{
    /// <summary>The value of the <c>format</c> field this version writes and reads.</summary>
    public const string Format = "spgd-manifest/1";

    private const string DigestCovers = "format tag, model, and each entry's name, byte size and SHA-256 in evaluation order; not spec, seeds or software version";

    /// <summary>Writes <paramref name="manifest"/> to <paramref name="path"/> (creating its folder).</summary>
    public static void Save(DatasetManifest manifest, string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllBytes(path, ToUtf8(manifest));
    }

    /// <summary>The manifest as indented UTF-8 JSON (deterministic: seeds sorted by item id, ordinal).</summary>
    public static byte[] ToUtf8(DatasetManifest manifest)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("digest", manifest.Digest);
            json.WriteString("digestCovers", DigestCovers);
            json.WriteString("dataDigest", manifest.DataDigest);
            WriteOptional(json, "split", manifest.Split);
            WriteOptional(json, "source", manifest.Source);
            json.WriteStartArray("skipped");
            foreach (var name in manifest.Skipped) json.WriteStringValue(name);
            json.WriteEndArray();
            json.WriteString("softwareVersion", manifest.SoftwareVersion);
            json.WriteString("model", manifest.Model);
            json.WritePropertyName("spec");
            if (manifest.Spec is null) json.WriteNullValue();
            else WriteSpec(json, manifest.Spec);
            json.WriteStartObject("seeds");
            foreach (var (item, seed) in manifest.Seeds.OrderBy(s => s.Key, StringComparer.Ordinal))
                json.WriteString(item, seed.ToString(CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteStartArray("entries");
            foreach (var e in manifest.Entries)
            {
                json.WriteStartObject();
                json.WriteString("name", e.Name);
                json.WriteNumber("bytes", e.Bytes);
                json.WriteString("sha256", e.Sha256);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Reads a manifest file.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not a manifest of this format, a field is missing or malformed, or the recorded
    /// digest differs from the one recomputed from the entries (the file was edited).</exception>
    public static DatasetManifest Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Manifest '{path}' does not exist.", path);
        try
        {
            return Parse(File.ReadAllBytes(path), path);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"Manifest '{path}' is malformed: {e.Message}", e);
        }
    }

    /// <summary>Parses manifest JSON; <paramref name="origin"/> names it in error messages.</summary>
    public static DatasetManifest Parse(ReadOnlySpan<byte> utf8, string origin = "manifest")
    {
        using var doc = JsonDocument.Parse(utf8.ToArray());
        var root = doc.RootElement;
        JsonElement Field(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out var v) ? v : throw new InvalidDataException($"Manifest '{origin}' lacks the field '{name}'.");
        var format = root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        if (format != Format) throw new InvalidDataException($"Manifest '{origin}' has format '{format}', expected '{Format}'.");
        var entries = Field(root, "entries").EnumerateArray()
            .Select(e => new ManifestEntry(Field(e, "name").GetString()!, Field(e, "bytes").GetInt64(), Field(e, "sha256").GetString()!))
            .ToList();
        var seeds = root.TryGetProperty("seeds", out var s) && s.ValueKind == JsonValueKind.Object
            ? s.EnumerateObject().ToDictionary(p => p.Name, p => ulong.Parse(p.Value.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture), StringComparer.Ordinal)
            : new Dictionary<string, ulong>(StringComparer.Ordinal);
        var spec = root.TryGetProperty("spec", out var sp) && sp.ValueKind != JsonValueKind.Null ? sp.GetRawText() : null;
        var manifest = new DatasetManifest
        {
            Entries = entries,
            Model = Field(root, "model").GetString()!,
            Spec = spec,
            SoftwareVersion = Field(root, "softwareVersion").GetString()!,
            Seeds = seeds,
            Split = OptionalString(root, "split"),
            Source = OptionalString(root, "source"),
            Skipped = root.TryGetProperty("skipped", out var sk) && sk.ValueKind == JsonValueKind.Array
                ? sk.EnumerateArray().Select(e => e.GetString()!).ToList() : [],
        };
        var recorded = Field(root, "digest").GetString();
        if (recorded != manifest.Digest)
            throw new InvalidDataException($"Manifest '{origin}' records digest {recorded} but its model and entries hash to {manifest.Digest}: the file was edited.");
        return manifest;
    }

    private static void WriteSpec(Utf8JsonWriter json, string spec)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(spec);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"Manifest spec must be JSON: {e.Message}", nameof(spec), e);
        }

        using (doc) doc.RootElement.WriteTo(json);
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }

    private static string? OptionalString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
