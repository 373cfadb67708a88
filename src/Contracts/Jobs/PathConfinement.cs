namespace Spgd.Contracts.Jobs;

/// <summary>Whether a path lies inside a root folder, also after following symbolic links.</summary>
public static class PathConfinement
{
    /// <summary>Whether the full path <paramref name="path"/> is <paramref name="root"/> or below it (no link resolution).</summary>
    public static bool IsInside(string path, string root)
    {
        root = Path.TrimEndingDirectorySeparator(root);
        return path == root || path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || (root == Path.GetPathRoot(root) && path.StartsWith(root, StringComparison.Ordinal));
    }

    /// <summary>The full path <paramref name="path"/> with symbolic links followed in every component, like realpath(3).</summary>
    public static string ResolveLinks(string path)
    {
        var parts = path.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = Path.GetPathRoot(path) ?? "/";
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            for (var hops = 0; hops < 40; hops++)
            {
                FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
                if (info.LinkTarget is not { } target) break;
                next = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(next) ?? current, target));
            }
            current = next;
        }
        return current;
    }
}
