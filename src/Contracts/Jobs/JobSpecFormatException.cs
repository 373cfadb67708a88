namespace Spgd.Contracts.Jobs;

/// <summary>A job spec that is not well-formed YAML/JSON or has a value of the wrong type; says where and what.</summary>
public sealed class JobSpecFormatException : Exception
{
    /// <summary>Creates the exception; the message is built from the parts.</summary>
    public JobSpecFormatException(string source, int? line, int? column, string? field, string problem, Exception? innerException = null)
        : base(Compose(source, line, column, field, problem), innerException)
    {
        Source = source;
        Line = line;
        Column = column;
        Field = field;
        Problem = problem;
    }

    /// <summary>The file (or "(text)") that was read.</summary>
    public new string Source { get; }

    /// <summary>1-based line of the offending value, when known.</summary>
    public int? Line { get; }

    /// <summary>1-based column of the offending value, when known.</summary>
    public int? Column { get; }

    /// <summary>Path of the offending field, e.g. <c>tasks[0].sampler.steps</c>, when known.</summary>
    public string? Field { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    private static string Compose(string source, int? line, int? column, string? field, string problem)
    {
        var where = line is null ? source : column is null ? $"{source}, line {line}" : $"{source}, line {line}, column {column}";
        return field is null ? $"{where}: {problem}" : $"{where}: {field}: {problem}";
    }
}
