using Spgd.Contracts.Jobs;

namespace Spgd.Grains.Datasets;

/// <summary>
/// The folders a silo reads data sets, checkpoints, model configs, masks and kernels from (<c>SPGD_DATA_ROOTS</c>). A job
/// naming a path outside every root, directly, through <c>..</c> or through a symbolic link, is refused at submission,
/// so a client can never make a silo read (and report on) an arbitrary file of the node.
/// </summary>
public sealed class DataRoots
{
    /// <summary>Separator of the roots in <c>SPGD_DATA_ROOTS</c> (as in PATH).</summary>
    public static readonly char Separator = Path.PathSeparator;

    /// <summary>No confinement: test clusters that host grains without a silo host's settings.</summary>
    public static DataRoots Unconfined { get; } = new(null, null);

    private DataRoots(IReadOnlyList<string>? roots, string? modelRoot)
    {
        Roots = roots;
        ModelRoot = modelRoot;
    }

    /// <summary>The roots (full paths), or null when unconfined.</summary>
    public IReadOnlyList<string>? Roots { get; }

    /// <summary>Folder that relative checkpoint and config paths are looked up in (the silo's model cache), if any.</summary>
    public string? ModelRoot { get; }

    /// <summary>
    /// The roots from <paramref name="setting"/> (separated by <see cref="Separator"/>) or, when it is empty, the
    /// <paramref name="defaults"/> (null entries skipped). Relative roots are relative to the working folder.
    /// </summary>
    public static DataRoots From(string? setting, IEnumerable<string?> defaults, string? modelRoot = null)
    {
        var roots = string.IsNullOrWhiteSpace(setting)
            ? defaults.OfType<string>()
            : setting.Split(Separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var full = roots.Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r))).Distinct(StringComparer.Ordinal).ToList();
        if (full.Count == 0) throw new ArgumentException("SPGD_DATA_ROOTS names no folder.");
        return new DataRoots(full, modelRoot);
    }

    /// <summary>Refuses <paramref name="definition"/> when one of its local paths lies outside every root; the message names the field.</summary>
    /// <exception cref="ArgumentException">A path outside the roots.</exception>
    public void ThrowIfOutside(JobDefinition definition)
    {
        if (Roots is null) return;
        if (definition.Dataset.Kind == DatasetKind.Folder) Check("dataset.folder", definition.Dataset.Path, null);
        Check("model.checkpoint", definition.Model.Checkpoint, ModelRoot);
        Check("model.config", definition.Model.Config, ModelRoot);
        foreach (var task in definition.Tasks)
            foreach (var key in new[] { "kernel_path", "mask_path" })
                if (task.Parameters.TryGetValue(key, out var path))
                    Check($"tasks[{task.Name}].operator.{key}", path, null);
    }

    /// <summary>Whether <paramref name="path"/> (full, or relative to <paramref name="relativeTo"/>) lies under a root, also after following links.</summary>
    public bool Allows(string path, string? relativeTo = null)
    {
        if (Roots is null) return true;
        var full = Path.GetFullPath(Path.IsPathRooted(path) || relativeTo is null ? path : Path.Combine(relativeTo, path));
        if (!Roots.Any(r => PathConfinement.IsInside(full, r))) return false;
        var real = PathConfinement.ResolveLinks(full);
        return Roots.Any(r => PathConfinement.IsInside(real, PathConfinement.ResolveLinks(r)));
    }

    private void Check(string field, string? path, string? relativeTo)
    {
        if (path is null || Allows(path, relativeTo)) return;
        throw new ArgumentException($"{field}: '{path}' is outside the folders this cluster reads data from ({string.Join(Separator, Roots!)}); set SPGD_DATA_ROOTS on the silos to allow it.");
    }
}
