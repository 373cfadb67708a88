namespace Spgd.Core.Tests.Checkpoints;

/// <summary>Reads the fixtures' "key AxBxC" lists of state-dict shapes.</summary>
internal static class ShapeList
{
    public static List<(string Key, string Shape)> Read(string path) =>
        File.ReadLines(path)
            .Where(l => l.Trim().Length > 0)
            .Select(l => l.Trim().Split(' ', 2))
            .Select(p => (p[0], p[1].Trim()))
            .ToList();

    public static long Elements(string shape) =>
        shape == "scalar" ? 1 : shape.Split('x').Aggregate(1L, (a, s) => a * long.Parse(s));
}
