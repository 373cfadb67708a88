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

    /// <summary>Exit code after Ctrl+C (SIGINT) or SIGTERM.</summary>
    public const int Cancelled = 130;

    /// <summary>Exit code of a job that ran to its end with some items failed (their reasons are printed and stored).</summary>
    public const int CompletedWithFailures = 3;

    private static readonly HashSet<Command> OwnInterrupts = [];

    /// <summary>Marks <paramref name="command"/> as one that listens to SIGINT/SIGTERM itself (<see cref="Interrupts"/>).</summary>
    public static Command HandlesOwnInterrupts(Command command)
    {
        lock (OwnInterrupts) OwnInterrupts.Add(command);
        return command;
    }

    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/>, runs the chosen command and returns its exit code.</summary>
    public static int Run(RootCommand root, string[] args)
    {
        ParseResult parse;
        try
        {
            parse = root.Parse(args);
        }
        catch (InvalidOperationException e)
        {
            // A validator that read a value which did not convert: still a usage error, said in one line.
            if (Environment.GetEnvironmentVariable("SPGD_DEBUG") is "1" or "true") Console.Error.WriteLine(e);
            ReportError(Friendly(e.Message).TrimEnd('.'));
            return UsageError;
        }
        // With --help or --version the parser picks their action even when the rest of the line is incomplete.
        if (parse.Errors.Count > 0 && parse.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            var command = parse.CommandResult.Command;
            var name = command == root ? "spgd" : "spgd " + command.Name;
            ReportError(string.Join("; ", parse.Errors.Select(e => Friendly(e.Message).TrimEnd('.')).Distinct()) + $" (see '{name} --help')");
            return UsageError;
        }
        try
        {
            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            // A command with its own Interrupts stops gracefully; the parser's handler would abandon it after 2 s.
            if (OwnInterrupts.Contains(parse.CommandResult.Command)) configuration.ProcessTerminationTimeout = null;
            return parse.Invoke(configuration);
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

    // The parser's own conversion message names a CLR type ("System.Nullable`1[System.Int32]"); say it in words.
    private static readonly System.Text.RegularExpressions.Regex ConversionMessage =
        new(@"^Cannot parse argument '(?<value>.*)' for (?:option|command|argument) '(?<name>[^']*)' as expected type '(?<type>[^']*)'\.?$");

    private static string Friendly(string message)
    {
        var m = ConversionMessage.Match(message);
        if (!m.Success) return message;
        var type = m.Groups["type"].Value;
        var expected = type.Contains("Int", StringComparison.Ordinal) ? "a whole number"
            : type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) ? "a number"
            : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false" : "a value of another form";
        return $"{m.Groups["name"].Value}: '{m.Groups["value"].Value}' is not {expected}";
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
        var lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0) return "unknown error";
        // A header ending in ':' introduces a list (e.g. "invalid job spec (2 problems):" and one problem a line):
        // keep the list, joined, or the line would say that something is wrong but not what.
        return lines[0].EndsWith(':') && lines.Length > 1 ? lines[0] + " " + string.Join("; ", lines[1..]) : lines[0];
    }
}
