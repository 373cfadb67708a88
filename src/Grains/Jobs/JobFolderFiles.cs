using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Spgd.Contracts.Devices;
using Spgd.Contracts.Jobs;
using Spgd.Grains.Devices;

namespace Spgd.Grains.Jobs;

/// <summary>
/// The files a job folder holds beside its items, for reports and reproduction: <c>spec.yaml</c> (the spec as
/// submitted; <c>spec.json</c>, the job definition, when it was built from flags), <c>grid.json</c> (the sweep's grid
/// points in row order) and <c>facts.json</c> (software version, the control silo's machine, the compute devices).
/// </summary>
internal static class JobFolderFiles
{
    /// <summary>File name → content.</summary>
    public static IReadOnlyList<(string Name, byte[] Content)> Build(JobDefinition definition, string method, IReadOnlyList<DeviceLoad> devices)
    {
        var files = new List<(string, byte[])>
        {
            definition.SpecText is { } yaml
                ? ("spec.yaml", Encoding.UTF8.GetBytes(yaml))
                : ("spec.json", JsonSerializer.SerializeToUtf8Bytes(definition, ItemJson.Options)),
            ("facts.json", JsonSerializer.SerializeToUtf8Bytes(Facts(definition, method, devices), ItemJson.Options)),
        };
        if (definition.Grid is { } grid) files.Add(("grid.json", JsonSerializer.SerializeToUtf8Bytes(grid, ItemJson.Options)));
        return files;
    }

    // Flat strings: the report shows facts as a two-column table.
    private static Dictionary<string, string> Facts(JobDefinition definition, string method, IReadOnlyList<DeviceLoad> devices)
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["software version"] = Evaluation.SoftwareVersion.Current,
            ["machine"] = $"{Environment.MachineName}: {Environment.ProcessorCount} cores, {memory / (1024.0 * 1024 * 1024):0.#} GiB, {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})",
            [".NET"] = RuntimeInformation.FrameworkDescription,
            ["devices"] = devices.Count == 0 ? "none registered at submission"
                : string.Join(", ", devices.GroupBy(d => d.Device).Select(g => $"{g.Key} × {g.Sum(d => d.Slots)} slot(s) on {g.Count()} silo(s)")),
            ["dataset"] = definition.Dataset.Label,
            ["model"] = definition.Model.Checkpoint is { } checkpoint ? $"{definition.Model.Kind} ({Path.GetFileName(checkpoint)})" : definition.Model.Kind,
            ["runs"] = definition.Runs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["seed"] = definition.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (definition.Grid is null) facts["method"] = method;
        return facts;
    }
}
