using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Spgd.Client.Cli;

/// <summary>
/// Option factories with the validation every command wants, so that bad values fail while parsing, naming the option.
/// Numbers are parsed here (a custom parser) rather than by a validator that reads the converted value: text that is
/// not a number, or a number out of range (99999999999 for an int), is one parse error, never an exception.
/// </summary>
public static class CliOptions
{
    /// <summary>A path option whose file must exist.</summary>
    public static Option<string> ExistingFile(string name, string description, bool required = true)
    {
        var option = new Option<string>(name) { Description = description, Required = required, HelpName = "path" };
        option.Validators.Add(result =>
        {
            var path = result.GetValueOrDefault<string>();
            if (path is not null && !File.Exists(path)) result.AddError($"{name}: file not found: {path}");
        });
        return option;
    }

    /// <summary>The optional spec-file argument of <c>run</c> and <c>submit</c>: an unknown option (<c>--bogus</c>), which the parser
    /// would otherwise take for a file name, is refused as such.</summary>
    public static Argument<string?> SpecFile()
    {
        var argument = new Argument<string?>("spec") { Description = "Job spec (YAML or JSON); without it the flags describe the job", Arity = ArgumentArity.ZeroOrOne };
        argument.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && result.Tokens[0].Value is { Length: > 1 } token && token[0] == '-')
                result.AddError($"unrecognized option '{token}'");
        });
        return argument;
    }

    /// <summary>A path option for a file the command writes (its folder is created).</summary>
    public static Option<string> OutputFile(string name, string description, bool required = true) =>
        new(name) { Description = description, Required = required, HelpName = "path" };

    /// <summary>A number option that must lie in [<paramref name="min"/>, <paramref name="max"/>] (or be above
    /// <paramref name="min"/> when <paramref name="exclusiveMin"/>).</summary>
    public static Option<double> Number(string name, string description, double min, double max = double.PositiveInfinity,
        bool exclusiveMin = false, double? defaultValue = null, bool required = false)
    {
        var option = new Option<double>(name)
        {
            Description = description, Required = required,
            CustomParser = r => ParseNumber(r, name, min, max, exclusiveMin, false) ?? default,
        };
        if (defaultValue is { } d) option.DefaultValueFactory = _ => d;
        return option;
    }

    /// <summary>A number option without a default (null when not given) in [<paramref name="min"/>, <paramref name="max"/>],
    /// either end exclusive when asked.</summary>
    public static Option<double?> OptionalNumber(string name, string description, double min, double max = double.PositiveInfinity,
        bool exclusiveMin = false, bool exclusiveMax = false) =>
        new(name) { Description = description, CustomParser = r => ParseNumber(r, name, min, max, exclusiveMin, exclusiveMax) };

    /// <summary>An integer option that must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Integer(string name, string description, int min, int max = int.MaxValue, int? defaultValue = null, bool required = false)
    {
        var option = new Option<int>(name)
        {
            Description = description, Required = required,
            CustomParser = r => (int?)ParseWhole(r, name, min, max) ?? default,
        };
        if (defaultValue is { } d) option.DefaultValueFactory = _ => d;
        return option;
    }

    /// <summary>An integer option without a default (null when not given) in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int?> OptionalInteger(string name, string description, int min, int max = int.MaxValue) =>
        new(name) { Description = description, CustomParser = r => (int?)ParseWhole(r, name, min, max) };

    /// <summary>A seed: any whole number in [0, 2^64 − 1].</summary>
    public static Option<ulong> Seed(string name, string description, ulong defaultValue = 0) =>
        new(name)
        {
            Description = description, DefaultValueFactory = _ => defaultValue,
            CustomParser = r => (ulong?)ParseWhole(r, name, ulong.MinValue, ulong.MaxValue) ?? defaultValue,
        };

    /// <summary>The value of <paramref name="option"/> for a command validator; false when it did not parse (that is
    /// already an error of its own, and reading it would throw).</summary>
    public static bool TryGetValue<T>(CommandResult result, Option<T> option, out T value)
    {
        try
        {
            value = result.GetValue(option)!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    private static BigInteger? ParseWhole(ArgumentResult r, string name, BigInteger min, BigInteger max)
    {
        if (r.Tokens.Count == 0) return null;
        var text = r.Tokens[^1].Value;
        if (!BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            r.AddError($"{name}: '{text}' is not a whole number");
            return null;
        }
        if (v < min || v > max)
        {
            r.AddError($"{name}: {text} is out of range, expected [{min}, {max}]");
            return null;
        }
        return v;
    }

    private static double? ParseNumber(ArgumentResult r, string name, double min, double max, bool exclusiveMin, bool exclusiveMax)
    {
        if (r.Tokens.Count == 0) return null;
        var text = r.Tokens[^1].Value;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
        {
            r.AddError($"{name}: '{text}' is not a number");
            return null;
        }
        bool ok = double.IsFinite(v) && (exclusiveMin ? v > min : v >= min) && (exclusiveMax ? v < max : v <= max);
        if (!ok)
        {
            r.AddError($"{name}: {text} is out of range, expected {RangeText(min, max, exclusiveMin, exclusiveMax)}");
            return null;
        }
        return v;
    }

    private static string RangeText(double min, double max, bool exclusiveMin, bool exclusiveMax) =>
        double.IsPositiveInfinity(max)
            ? (exclusiveMin ? "> " : ">= ") + min.ToString(CultureInfo.InvariantCulture)
            : $"{(exclusiveMin ? "(" : "[")}{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}{(exclusiveMax ? ")" : "]")}";
}
