using System.Reflection;

namespace Spgd.Evaluation;

/// <summary>The version of this software that produced a manifest or summary.</summary>
public static class SoftwareVersion
{
    /// <summary>
    /// The informational version of the build, <c>0.1.0+&lt;git commit&gt;</c> when built from a git checkout
    /// (the SDK appends <c>SourceRevisionId</c>), or the plain version when git was not available.
    /// </summary>
    public static string Current { get; } =
        typeof(SoftwareVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(SoftwareVersion).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>The git commit part of <see cref="Current"/>, or null when the build did not record one.</summary>
    public static string? Commit => Current.IndexOf('+') is var plus and >= 0 ? Current[(plus + 1)..] : null;
}
