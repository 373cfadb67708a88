namespace Spgd.Contracts.Jobs;

/// <summary>
/// What a job id may be. It becomes part of every storage key of the job (<c>jobs/{id}/…</c>) and of log lines,
/// so path separators, <c>..</c>, control characters and unbounded lengths are refused before anything is stored.
/// </summary>
public static class JobIds
{
    /// <summary>Longest accepted id.</summary>
    public const int MaxLength = 128;

    /// <summary>Why <paramref name="id"/> is not a valid job id, or null when it is.</summary>
    public static string? Problem(string? id)
    {
        if (string.IsNullOrEmpty(id)) return "a job id must not be empty";
        if (id.Length > MaxLength) return $"job id is {id.Length} characters long: at most {MaxLength} are allowed";
        foreach (var c in id)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                return $"job id '{Printable(id)}' contains {(char.IsControl(c) ? $"the control character U+{(int)c:X4}" : $"'{c}'")}: " +
                       "expected ASCII letters, digits, '-', '_' and '.'";
        if (id.Contains("..", StringComparison.Ordinal) || id[0] == '.')
            return $"job id '{id}' must not start with '.' or contain '..'";
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when <paramref name="id"/> is not valid.</summary>
    public static void ThrowIfInvalid(string? id)
    {
        if (Problem(id) is { } problem) throw new ArgumentException(problem[0..1].ToUpperInvariant() + problem[1..] + ".");
    }

    // Control characters would break the one-line error message itself.
    private static string Printable(string id) =>
        string.Concat(id.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
