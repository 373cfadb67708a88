using System.CommandLine;
using System.Globalization;

namespace Spgd.Client.Cli;

/// <summary>Option factories with the validation every command wants, so that bad values fail while parsing, naming the option.</summary>
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

    /// <summary>A path option for a file the command writes (its folder is created).</summary>
    public static Option<string> OutputFile(string name, string description, bool required = true) =>
        new(name) { Description = description, Required = required, HelpName = "path" };

    /// <summary>A number option that must lie in [<paramref name="min"/>, <paramref name="max"/>] (or be above
    /// <paramref name="min"/> when <paramref name="exclusiveMin"/>).</summary>
    public static Option<double> Number(string name, string description, double min, double max = double.PositiveInfinity,
        bool exclusiveMin = false, double? defaultValue = null, bool required = false)
    {
        var option = new Option<double>(name) { Description = description, Required = required };
        if (defaultValue is { } d) option.DefaultValueFactory = _ => d;
        option.Validators.Add(result =>
        {
            var v = result.GetValueOrDefault<double>();
            bool ok = double.IsFinite(v) && (exclusiveMin ? v > min : v >= min) && v <= max;
            if (!ok) result.AddError($"{name}: {v.ToString(CultureInfo.InvariantCulture)} is out of range, expected {RangeText(min, max, exclusiveMin)}");
        });
        return option;
    }

    /// <summary>An integer option that must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Integer(string name, string description, int min, int max = int.MaxValue, int? defaultValue = null, bool required = false)
    {
        var option = new Option<int>(name) { Description = description, Required = required };
        if (defaultValue is { } d) option.DefaultValueFactory = _ => d;
        option.Validators.Add(result =>
        {
            var v = result.GetValueOrDefault<int>();
            if (v < min || v > max) result.AddError($"{name}: {v} is out of range, expected {RangeText(min, max, false)}");
        });
        return option;
    }

    private static string RangeText(double min, double max, bool exclusiveMin) =>
        double.IsPositiveInfinity(max)
            ? (exclusiveMin ? "> " : ">= ") + min.ToString(CultureInfo.InvariantCulture)
            : $"{(exclusiveMin ? "(" : "[")}{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]";
}
