using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Logs;
using Spgd.Storage;

namespace Spgd.Silo.Redaction;

/// <summary>Masks secrets (<see cref="SecretRedaction"/>) in log records before an OpenTelemetry exporter sees them.</summary>
public sealed class RedactingLogProcessor : BaseProcessor<LogRecord>
{
    /// <inheritdoc />
    public override void OnEnd(LogRecord data)
    {
        data.FormattedMessage = SecretRedaction.Redact(data.FormattedMessage);
        data.Body = SecretRedaction.Redact(data.Body);
        if (data.Attributes is { Count: > 0 } attributes && attributes.Any(a => a.Value is string s && SecretRedaction.ContainsSecret(s)))
            data.Attributes = attributes.Select(a => a.Value is string s ? new KeyValuePair<string, object?>(a.Key, SecretRedaction.Redact(s)) : a).ToList();
        base.OnEnd(data);
    }
}

/// <summary>Masks secrets in span status descriptions (Orleans sets them from exception messages) and string tags before export.</summary>
public sealed class RedactingActivityProcessor : BaseProcessor<Activity>
{
    /// <inheritdoc />
    public override void OnEnd(Activity data)
    {
        if (SecretRedaction.ContainsSecret(data.StatusDescription)) data.SetStatus(data.Status, SecretRedaction.Redact(data.StatusDescription));
        foreach (var tag in data.TagObjects.ToList())
            if (tag.Value is string s && SecretRedaction.ContainsSecret(s)) data.SetTag(tag.Key, SecretRedaction.Redact(s));
        base.OnEnd(data);
    }
}
