using System.CommandLine;

namespace Spgd.Client.Cli;

/// <summary>
/// Parses and runs a command line so that every failure ends as ONE line <c>spgd: error: …</c> on stderr and a non-zero
/// exit code, never a stack trace (set <c>SPGD_DEBUG=1</c> to get the full exception for a bug report).
/// </summary>
public static class CliApp
{
    /// <summary>Exit code of a command line that does not parse (unknown option, missing or malformed value).</summary>
    public const int UsageError = 2;

    /// <summary>Exit code of a command that failed on its input or environment (missing file, bad shape, …).</summary>
    public const int Failure = 1;

    /// <summary>Exit code after Ctrl+C.</summary>
    public const int Cancelled = 130;

    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/>, runs the chosen command and returns its exit code.</summary>
    public static int Run(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        // With --help or --version the parser picks their action even when the rest of the line is incomplete.
        if (parse.Errors.Count > 0 && parse.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            var command = parse.CommandResult.Command;
            var name = command == root ? "spgd" : "spgd " + command.Name;
            ReportError(string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')).Distinct()) + $" (see '{name} --help')");
            return UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            if (Environment.GetEnvironmentVariable("SPGD_DEBUG") is "1" or "true") Console.Error.WriteLine(Spgd.Storage.SecretRedaction.Redact(e.ToString()));
            return Report(e);
        }
    }

    /// <summary>Writes one <c>spgd: error:</c> line for <paramref name="e"/> and returns the exit code it maps to.</summary>
    public static int Report(Exception e)
    {
        switch (Unwrap(e))
        {
            case OperationCanceledException:
                ReportError("cancelled");
                return Cancelled;
            // Our own and the Core's input checks: their messages already say what, where and why.
            case CliInputException or ArgumentException or Spgd.Core.Checkpoints.StateDictMismatchException
                or Spgd.Core.Sampling.SamplerDivergedException or FileNotFoundException or DirectoryNotFoundException
                or InvalidDataException or FormatException or NotSupportedException or KeyNotFoundException
                or UnauthorizedAccessException or IOException:
                ReportError(MessageOf(Unwrap(e)));
                return Failure;
            case var other:
                // Anything else is a bug or a native (libtorch) failure: still one line, with the type to search for.
                ReportError($"{other.GetType().Name}: {other.Message} (run with SPGD_DEBUG=1 for details)");
                return Failure;
        }
    }

    /// <summary>Writes <c>spgd: error: message</c> as a single line on stderr, with any secret in it masked.</summary>
    public static void ReportError(string message) =>
        Console.Error.WriteLine("spgd: error: " + Spgd.Storage.SecretRedaction.Redact(OneLine(message)));

    // ArgumentException appends " (Parameter 'x')", which names a C# parameter the user never saw.
    private static string MessageOf(Exception e) =>
        e is ArgumentException { ParamName: { } p } ? e.Message.Replace($" (Parameter '{p}')", "") : e.Message;

    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && e.InnerException is not null)
            e = e.InnerException!;
        return e;
    }

    // libtorch messages carry C++ backtraces after the first line; keep only the first.
    private static string OneLine(string message)
    {
        var first = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "unknown error";
        return first.TrimEnd('\r');
    }
}
