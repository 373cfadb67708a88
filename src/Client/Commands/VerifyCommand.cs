using System.CommandLine;
using Spgd.Evaluation.Manifests;

namespace Spgd.Client.Commands;

/// <summary>
/// <c>spgd verify MANIFEST [--data DIR] [--strict]</c>: re-hashes a data set and compares it with a job's manifest, so a
/// researcher knows the images on disk are exactly those a published table was computed on.
/// </summary>
public static class VerifyCommand
{
    /// <summary>Exit code when the data set does not match the manifest (missing or changed files, or extra ones with --strict).</summary>
    public const int Mismatch = 3;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var manifest = new Argument<string>("MANIFEST") { Description = "A manifest.json written beside a job's summaries" };
        var data = new Option<string?>("--data")
        {
            Description = "Folder holding the images (default: the folder the manifest was built from)",
        };
        var strict = new Option<bool>("--strict") { Description = "Also fail when the folder holds images the manifest does not list" };
        var command = new Command("verify", "Check that a data set still has exactly the images (bytes and SHA-256) a manifest lists")
        {
            manifest, data, strict,
        };
        command.SetAction(parse => Run(parse.GetValue(manifest)!, parse.GetValue(data), parse.GetValue(strict), Console.Out));
        return command;
    }

    /// <summary>Verifies and writes the report to <paramref name="output"/>; returns 0 on a match, <see cref="Mismatch"/> otherwise.</summary>
    /// <exception cref="FileNotFoundException">The manifest does not exist.</exception>
    /// <exception cref="InvalidDataException">The manifest is malformed or was edited.</exception>
    /// <exception cref="DirectoryNotFoundException">The data folder does not exist.</exception>
    /// <exception cref="ArgumentException">No --data and the manifest's source is not a local folder.</exception>
    public static int Run(string manifestPath, string? dataFolder, bool strict, TextWriter output)
    {
        var manifest = DatasetManifest.Load(manifestPath);
        var folder = dataFolder ?? manifest.Source;
        if (folder is null || (dataFolder is null && !Directory.Exists(folder)))
            throw new ArgumentException(
                $"Manifest '{manifestPath}' was built from '{manifest.Source ?? "(unrecorded source)"}', which is not a local folder here; pass --data DIR.");
        var report = ManifestVerifier.Verify(manifest, folder);
        output.Write(report.Describe());
        if (strict && report.IsMatch && !report.IsExactMatch)
            output.WriteLine($"MISMATCH (--strict): {report.Extra.Count} images in '{report.Location}' are not in the manifest.");
        return (strict ? report.IsExactMatch : report.IsMatch) ? 0 : Mismatch;
    }
}
