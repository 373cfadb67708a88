using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spgd.Grains.Devices;

/// <summary>JSON settings of the per-item record and the summaries (camelCase, enums as names, indented).</summary>
public static class ItemJson
{
    /// <summary>The shared options.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
