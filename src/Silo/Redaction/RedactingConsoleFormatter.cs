using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Spgd.Storage;

namespace Spgd.Silo.Redaction;

/// <summary>
/// The silo's console log format (that of the built-in <c>simple</c> formatter: level, category, event id, message,
/// exception), with every secret masked by <see cref="SecretRedaction"/>: a connection string or SAS URL that reaches a
/// log message or an exception's text (from Orleans, the Azure SDK or our own code) never reaches the pod's log.
/// </summary>
public sealed class RedactingConsoleFormatter(IOptionsMonitor<SimpleConsoleFormatterOptions> options)
    : ConsoleFormatter(Name)
{
    /// <summary>The formatter's name in <see cref="ConsoleLoggerOptions.FormatterName"/>.</summary>
    public new const string Name = "spgd-redacting";

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null) return;
        var settings = options.CurrentValue;
        var text = new System.Text.StringBuilder();
        if (settings.TimestampFormat is { } format)
            text.Append((settings.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now).ToString(format, System.Globalization.CultureInfo.InvariantCulture));
        text.Append(Level(logEntry.LogLevel)).Append(": ").Append(logEntry.Category).Append('[').Append(logEntry.EventId.Id).Append(']');
        var indent = settings.SingleLine ? " " : Environment.NewLine + "      ";
        if (!string.IsNullOrEmpty(message)) text.Append(indent).Append(message);
        if (logEntry.Exception is { } e) text.Append(Environment.NewLine).Append(e);
        textWriter.WriteLine(SecretRedaction.Redact(text.ToString()));
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => level.ToString().ToLowerInvariant(),
    };
}

/// <summary>Registers the redacting console log for a host (a silo or a cluster client).</summary>
public static class RedactingConsoleExtensions
{
    /// <summary>Console logging through <see cref="RedactingConsoleFormatter"/>; <paramref name="configure"/> may set further console options.</summary>
    public static ILoggingBuilder AddRedactingConsole(this ILoggingBuilder logging, Action<ConsoleLoggerOptions>? configure = null)
    {
        logging.AddConsoleFormatter<RedactingConsoleFormatter, SimpleConsoleFormatterOptions>();
        return logging.AddConsole(o =>
        {
            o.FormatterName = RedactingConsoleFormatter.Name;
            configure?.Invoke(o);
        });
    }
}
