using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Spgd.Contracts.Jobs;

/// <summary>
/// Reads a <see cref="JobSpec"/> from YAML or JSON (snake_case keys). YAML is first turned into a JSON tree while
/// remembering where each value stood, so both formats share one mapping and a wrong value is reported with its
/// file, line, column and field path, e.g. <c>demo.yaml, line 12, column 14: tasks[0].sampler.steps: expected a
/// whole number, got 'fifty'</c>.
/// </summary>
public static partial class JobSpecLoader
{
    /// <summary>The JSON settings of job specs (also used to store a job's <c>spec.json</c>).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateOptions();

    /// <summary>Reads a spec file: YAML for .yaml/.yml, JSON for .json, otherwise judged by its first character.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="JobSpecFormatException">Malformed, or a value of the wrong type or an unknown key.</exception>
    public static JobSpec Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Job spec file not found: {path}", path);
        var text = File.ReadAllText(path);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        bool? json = extension switch { ".json" => true, ".yaml" or ".yml" => false, _ => null };
        return Parse(text, path, json);
    }

    /// <summary>Reads a spec from text; <paramref name="isJson"/> null means: JSON if it starts with '{'.</summary>
    /// <exception cref="JobSpecFormatException">Malformed, or a value of the wrong type or an unknown key.</exception>
    public static JobSpec Parse(string text, string source = "(text)", bool? isJson = null)
    {
        isJson ??= text.TrimStart().StartsWith('{');
        return isJson.Value ? ParseJson(text, source) : ParseYaml(text, source);
    }

    /// <summary>The spec as indented JSON (absent values omitted).</summary>
    public static string ToJson(JobSpec spec) => JsonSerializer.Serialize(spec, JsonOptions);

    private static JobSpec ParseJson(string text, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<JobSpec>(text, JsonOptions)
                   ?? throw new JobSpecFormatException(source, 1, 1, null, "the spec is empty (null)");
        }
        catch (JsonException ex)
        {
            JsonNode? tree = null;
            try
            {
                tree = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions
                {
                    CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false,
                });
            }
            catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
            {
                tree = null; // a syntax error or duplicate key: no tree to quote values from
            }
            var line = ex.LineNumber is { } l ? (int)l + 1 : (int?)null;
            var column = ex.BytePositionInLine is { } c ? (int)c + 1 : (int?)null;
            throw Describe(ex, source, line, column, tree);
        }
    }

    private static JobSpec ParseYaml(string text, string source)
    {
        var stream = new YamlStream();
        var parser = new PositionTrackingParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            var message = InnermostMessage(ex);
            var duplicate = DuplicateKey().Match(message);
            throw new JobSpecFormatException(source, (int)ex.Start.Line, (int)ex.Start.Column, null,
                duplicate.Success ? $"duplicate key '{duplicate.Groups[1].Value.Trim()}'" : "not valid YAML: " + message, ex);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's scanner fails this way when the text ends inside a construct.
            throw new JobSpecFormatException(source, (int?)parser.LastGood?.Line, (int?)parser.LastGood?.Column, null,
                "not valid YAML: the text ends inside an unclosed '[', '{' or quote that starts here or after", ex);
        }
        if (stream.Documents.Count == 0) throw new JobSpecFormatException(source, 1, 1, null, "the spec is empty");
        if (stream.Documents.Count > 1)
            throw new JobSpecFormatException(source, (int)stream.Documents[1].RootNode.Start.Line, null, null, "more than one YAML document ('---'); a spec is one document");

        var marks = new Dictionary<string, Mark>();
        var tree = ToJson(stream.Documents[0].RootNode, "$", marks, source);
        if (tree is not JsonObject)
            throw new JobSpecFormatException(source, (int)stream.Documents[0].RootNode.Start.Line, (int)stream.Documents[0].RootNode.Start.Column, null,
                "the spec must be a mapping of keys (dataset, model, tasks, ...)");
        try
        {
            return tree.Deserialize<JobSpec>(JsonOptions)!;
        }
        catch (JsonException ex)
        {
            // An unknown key is best shown at the key itself.
            var unknown = UnmappedProperty().Match(ex.Message);
            var mark = unknown.Success && marks.TryGetValue(KeyPath(ex.Path, unknown.Groups[1].Value) + "#key", out var keyMark) ? keyMark : Locate(ex.Path, marks);
            throw Describe(ex, source, mark is null ? null : (int)mark.Value.Line, mark is null ? null : (int)mark.Value.Column, tree);
        }
    }

    // A YAML node as JSON, recording the position of every value under its JSON path (the form JsonException.Path uses).
    private static JsonNode? ToJson(YamlNode node, string path, Dictionary<string, Mark> marks, string source)
    {
        marks[path] = node.Start;
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key })
                        throw new JobSpecFormatException(source, (int)keyNode.Start.Line, (int)keyNode.Start.Column, PathText(path), "keys must be plain names");
                    var child = path + (SimpleKey().IsMatch(key) ? "." + key : $"['{key}']");
                    if (obj.ContainsKey(key))
                        throw new JobSpecFormatException(source, (int)keyNode.Start.Line, (int)keyNode.Start.Column, PathText(child), $"duplicate key '{key}'");
                    obj[key] = ToJson(valueNode, child, marks, source);
                    marks.TryAdd(child + "#key", keyNode.Start);
                }
                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                for (var i = 0; i < sequence.Children.Count; i++) array.Add(ToJson(sequence.Children[i], $"{path}[{i}]", marks, source));
                return array;
            case YamlScalarNode scalar:
                return ScalarToJson(scalar);
            default:
                throw new JobSpecFormatException(source, (int)node.Start.Line, (int)node.Start.Column, PathText(path), $"unsupported YAML node {node.NodeType}");
        }
    }

    private static JsonNode? ScalarToJson(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any)) return JsonValue.Create(value);
        if (value is "" or "~" or "null" or "Null" or "NULL") return null;
        if (value is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (value is "false" or "False" or "FALSE") return JsonValue.Create(false);
        // Keep the number's own text (the lenient string converter reads it back verbatim for text fields).
        if (JsonNumber().IsMatch(value)) return JsonNode.Parse(value);
        return JsonValue.Create(value);
    }

    private static Mark? Locate(string? path, Dictionary<string, Mark> marks)
    {
        // The deepest recorded ancestor of the failing path.
        for (var p = path; !string.IsNullOrEmpty(p); p = Parent(p))
            if (marks.TryGetValue(p, out var mark)) return mark;
        return null;
    }

    private static string? Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? null : path[..cut];
    }

    private static JobSpecFormatException Describe(JsonException ex, string source, int? line, int? column, JsonNode? tree)
    {
        var path = ex.Path;
        var message = ex.Message;

        var unmapped = UnmappedProperty().Match(message);
        if (unmapped.Success)
        {
            var key = unmapped.Groups[1].Value;
            var keyPath = KeyPath(path, key);
            var parentType = ResolveType(Parent(keyPath) ?? "$");
            var valid = parentType is null ? "" : $" (valid keys: {string.Join(", ", JsonNames(parentType))})";
            return new JobSpecFormatException(source, line, column, PathText(keyPath), $"unknown key '{key}'{valid}", ex);
        }

        var duplicate = DuplicateProperty().Match(message);
        if (duplicate.Success)
            return new JobSpecFormatException(source, line, column, PathText(path), $"duplicate key '{duplicate.Groups[1].Value}'", ex);

        var target = ResolveType(path);
        var got = Describe(Find(tree, path));
        if (message.Contains("null", StringComparison.OrdinalIgnoreCase) && message.Contains("doesn't allow", StringComparison.OrdinalIgnoreCase))
            return new JobSpecFormatException(source, line, column, PathText(path), $"expected {Expected(target)}, got nothing (null)", ex);
        if (target is not null && (message.Contains("could not be converted", StringComparison.Ordinal) || message.Contains("Cannot get the value", StringComparison.Ordinal)))
            return new JobSpecFormatException(source, line, column, PathText(path), $"expected {Expected(target)}, got {got}", ex);
        // Syntax errors and anything else: STJ's first sentence, without its own location suffix.
        var first = message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd();
        return new JobSpecFormatException(source, line, column, path is null or "$" ? null : PathText(path), first, ex);
    }

    // The JSON path of an unknown key; STJ's path may or may not already end with it.
    private static string KeyPath(string? path, string key)
    {
        var child = SimpleKey().IsMatch(key) ? "." + key : $"['{key}']";
        path ??= "$";
        return path.EndsWith(child, StringComparison.Ordinal) ? path : path + child;
    }

    private static JsonNode? Find(JsonNode? tree, string? path)
    {
        if (tree is null || path is null) return null;
        var node = tree;
        foreach (Match m in PathSegment().Matches(path))
        {
            node = m.Groups[3].Success
                ? node is JsonArray a && int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) is var i && i < a.Count ? a[i] : null
                : node is JsonObject o ? o[m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value] : null;
            if (node is null) return null;
        }
        return node;
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "nothing (null)",
        JsonObject => "a mapping",
        JsonArray => "a list",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => $"'{v.GetValue<string>()}'",
        _ => node.ToJsonString(),
    };

    /// <summary>The .NET type at a JSON path of a <see cref="JobSpec"/>, or null when the path leaves the schema.</summary>
    private static Type? ResolveType(string? path)
    {
        if (path is null) return null;
        Type? type = typeof(JobSpec);
        foreach (Match m in PathSegment().Matches(path))
        {
            if (type is null) return null;
            if (m.Groups[3].Success)
            {
                type = type.IsArray ? type.GetElementType()
                    : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;
            }
            else
            {
                var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                var property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p => JsonName(p) == name);
                type = property?.PropertyType;
            }
            if (type is not null) type = Nullable.GetUnderlyingType(type) ?? type;
        }
        return type;
    }

    private static IEnumerable<string> JsonNames(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(JsonName);

    private static string JsonName(PropertyInfo p) =>
        p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name);

    private static string Expected(Type? type)
    {
        if (type is null) return "a different kind of value";
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(ulong) || type == typeof(uint)) return "a non-negative whole number";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(string)) return "text";
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>)) return "a list";
        return $"a mapping with keys {string.Join(", ", JsonNames(type))}";
    }

    private static string PathText(string? path) => path is null or "$" ? "(top level)" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static string InnermostMessage(Exception ex)
    {
        while (ex.InnerException is not null) ex = ex.InnerException;
        return ex.Message;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            AllowDuplicateProperties = false,
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = true,
        };
        options.Converters.Add(new LenientStringConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Text fields also accept a bare number or boolean (YAML <c>job_id: 2024</c>) and keep its text.</summary>
    private sealed class LenientStringConverter : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray()),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            _ => throw new JsonException($"The JSON value could not be converted to {typeof(string)}."),
        };

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    /// <summary>Remembers where the last successfully parsed YAML event ended, for errors the parser reports without a position.</summary>
    private sealed class PositionTrackingParser(IParser inner) : IParser
    {
        public Mark? LastGood { get; private set; }

        public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (inner.Current is { } current) LastGood = current.Start;
            return inner.MoveNext();
        }
    }

    [GeneratedRegex(@"[Dd]uplicate key:?\s*(.+?)\.?$")]
    private static partial Regex DuplicateKey();

    [GeneratedRegex(@"^[A-Za-z0-9_]+$")]
    private static partial Regex SimpleKey();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")]
    private static partial Regex JsonNumber();

    [GeneratedRegex(@"\.([A-Za-z0-9_]+)|\['(.*?)'\]|\[(\d+)\]")]
    private static partial Regex PathSegment();

    [GeneratedRegex(@"Duplicate property '(.+?)'")]
    private static partial Regex DuplicateProperty();

    [GeneratedRegex(@"The JSON property '(.+?)' could not be mapped")]
    private static partial Regex UnmappedProperty();
}
