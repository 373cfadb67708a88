using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Spgd.Client.Cli;

/// <summary>
/// Console log lines for commands that host a silo (<c>spgd run</c>): <c>warn: Category: message (ExceptionType: message)</c>,
/// one line each, never a stack trace (set <c>SPGD_DEBUG=1</c> for the default formatter with full exceptions).
/// </summary>
public sealed class OneLineLogFormatter() : ConsoleFormatter(FormatterName)
{
    /// <summary>The name to select it with.</summary>
    public const string FormatterName = "spgd-one-line";

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, Microsoft.Extensions.Logging.IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception) ?? "";
        if (logEntry.Exception is { } e) message += $" ({e.GetType().Name}: {e.Message})";
        var level = logEntry.LogLevel switch
        {
            LogLevel.Critical => "crit", LogLevel.Error => "fail", LogLevel.Warning => "warn", LogLevel.Information => "info", _ => "dbug",
        };
        textWriter.WriteLine($"{level}: {logEntry.Category}: {message.ReplaceLineEndings(" ")}");
    }
}
