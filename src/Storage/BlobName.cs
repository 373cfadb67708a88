namespace Spgd.Storage;

/// <summary>
/// Rules for blob names shared by every store, so a layout that works on a folder works on Azure and cannot
/// escape a folder store's root: relative, '/'-separated, no '.' or '..' segments, no empty segments,
/// no backslashes or control characters, at most 1024 characters.
/// </summary>
public static class BlobName
{
    /// <summary>Azure's limit on blob name length.</summary>
    public const int MaxLength = 1024;

    /// <summary>Throws <see cref="InvalidBlobNameException"/> naming the first rule <paramref name="name"/> breaks.</summary>
    public static string Validate(string? name)
    {
        var problem = Check(name);
        if (problem is not null) throw new InvalidBlobNameException(name, problem);
        return name!;
    }

    /// <summary>The first rule <paramref name="name"/> breaks, or <c>null</c> when it is valid.</summary>
    public static string? Check(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "it is empty";
        if (name.Length > MaxLength) return $"it has {name.Length} characters, at most {MaxLength} are allowed";
        foreach (var c in name)
        {
            if (char.IsControl(c)) return $"it contains the control character U+{(int)c:X4}";
            if (c == '\\') return "it contains '\\' (use '/' as the separator)";
        }
        if (name[0] == '/') return "it is an absolute path (it must be relative, without a leading '/')";
        if (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0])) return "it starts with a drive letter";
        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0) return "it has an empty path segment ('//' or a trailing '/')";
            if (segment is "." or "..") return $"it has a '{segment}' segment";
        }
        return null;
    }

    /// <summary>Validates a listing prefix: empty is allowed, otherwise the same characters rules as a name (a trailing '/' is fine).</summary>
    public static string ValidatePrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix)) return "";
        var problem = Check(prefix.EndsWith('/') ? prefix + "x" : prefix);
        if (problem is not null) throw new InvalidBlobNameException(prefix, problem);
        return prefix;
    }
}
