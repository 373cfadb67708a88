using System.Text.RegularExpressions;

namespace Spgd.Storage;

/// <summary>
/// The one place that knows what a secret looks like in text: account keys and other key/value secrets of connection
/// strings, SAS signatures in URLs and query strings, and passwords in URLs (<c>redis://user:pass@host</c>) or Redis
/// configuration strings (<c>host:6379,password=…</c>). Applied wherever text leaves a process: the CLI's error
/// boundary, silo logs, telemetry and error texts stored with jobs.
/// </summary>
public static partial class SecretRedaction
{
    /// <summary>What a secret value is replaced by.</summary>
    public const string Mask = "***";

    /// <summary><paramref name="text"/> with every secret value replaced by <see cref="Mask"/>; null stays null.</summary>
    public static string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        text = KeyValueSecret().Replace(text, m => m.Groups["key"].Value + m.Groups["eq"].Value + Mask);
        text = SasSignature().Replace(text, m => m.Groups["key"].Value + Mask);
        text = UrlPassword().Replace(text, m => m.Groups["head"].Value + Mask + "@");
        return text;
    }

    /// <summary>Whether <paramref name="text"/> holds anything <see cref="Redact"/> would mask.</summary>
    public static bool ContainsSecret(string? text) => text is not null && Redact(text) != text;

    // Connection-string pairs whose value is a secret (Azure storage and Service Bus, SQL, StackExchange.Redis options);
    // a SharedAccessSignature value is a whole query string (sv=…&sig=…), so it runs to the next ';'.
    [GeneratedRegex(@"(?<key>\b(?:AccountKey|SharedAccessSignature|SharedAccessKey|Password|Pwd|AccessKey|ClientSecret))(?<eq>\s*=\s*)(?<value>(?<=SharedAccessSignature\s*=\s*)[^;\s""']+|[^;,\s""'&]+)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyValueSecret();

    // A SAS token's signature (sig=…) wherever it appears: a URL's query, a bare token, a connection string's SAS.
    [GeneratedRegex(@"(?<key>(?:^|[?&;\s""'])sig=)(?<value>[^&;\s""']+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SasSignature();

    // scheme://user:password@host or scheme://:password@host.
    [GeneratedRegex(@"(?<head>\b[a-z][a-z0-9+.\-]*://[^:/@\s]*:)(?<value>[^@/\s]+)@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();
}
