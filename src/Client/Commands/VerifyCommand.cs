using System.CommandLine;
using Spgd.Client.Cluster;
using Spgd.Evaluation.Manifests;
using Spgd.Grains.Datasets;
using Spgd.Storage;

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
        var manifest = new Argument<string>("MANIFEST") { Description = "A manifest.json written beside a job's summaries, or a job id in --storage" };
        var data = new Option<string?>("--data")
        {
            Description = "Folder holding the images (default: the folder the manifest was built from)",
        };
        var strict = new Option<bool>("--strict") { Description = "Also fail when the folder holds images the manifest does not list" };
        var storage = ClusterCommandOptions.Storage();
        storage.Description = "Storage holding the job and blob data sets: a folder or an Azure storage connection string (default: $SPGD_STORAGE)";
        var command = new Command("verify", "Check that a data set still has exactly the images (bytes and SHA-256) a manifest lists")
        {
            manifest, data, strict, storage,
        };
        command.SetAction(async (parse, ct) =>
        {
            var manifestArgument = parse.GetValue(manifest)!;
            var dataFolder = parse.GetValue(data);
            var storageSetting = ClusterCommandOptions.StorageOf(parse, storage);
            // A local manifest with a local data folder needs no storage: the original form.
            if (File.Exists(manifestArgument) && (dataFolder is not null
                    || !BlobDatasetSource.TryParseLocation(DatasetManifest.Load(manifestArgument).Source, out _, out _)))
                return Run(manifestArgument, dataFolder, parse.GetValue(strict), Console.Out);
            return await RunAsync(manifestArgument, dataFolder, storageSetting, parse.GetValue(strict), Console.Out, ct);
        });
        return command;
    }

    /// <summary>
    /// Verifies a manifest (a file, or a job id whose <c>summary/manifest.json</c> is read from <paramref name="storage"/>)
    /// against <paramref name="dataFolder"/> or, without it, the blob prefix the manifest was built from, read through the store.
    /// </summary>
    public static async Task<int> RunAsync(string manifestArgument, string? dataFolder, string? storage, bool strict, TextWriter output, CancellationToken ct)
    {
        IBlobStore? store = storage is null ? null : BlobStoreFactory.Create(storage);
        DatasetManifest manifest;
        if (File.Exists(manifestArgument))
        {
            manifest = DatasetManifest.Load(manifestArgument);
        }
        else
        {
            if (store is null)
                throw new FileNotFoundException($"'{manifestArgument}' is not a manifest file; to read a job's manifest from storage, set --storage or $SPGD_STORAGE.");
            var bytes = await StoredJob.ReadAsync(store, manifestArgument, "summary/manifest.json", ct)
                ?? throw new FileNotFoundException($"no manifest for job '{manifestArgument}' in {store} (jobs/{manifestArgument}/summary/manifest.json)");
            manifest = ManifestJson.Parse(bytes, $"jobs/{manifestArgument}/summary/manifest.json");
        }

        IManifestSource source;
        if (dataFolder is not null) source = new FolderManifestSource(dataFolder);
        else if (BlobDatasetSource.TryParseLocation(manifest.Source, out var container, out var prefix))
        {
            if (storage is null || store is null)
                throw new ArgumentException($"The manifest's data set is in blob storage ({manifest.Source}); set --storage or $SPGD_STORAGE to read it.");
            source = new BlobDatasetSource(container is null ? store : BlobStoreFactory.CreateInContainer(storage, container), prefix, container);
        }
        else if (manifest.Source is { } folder && Directory.Exists(folder)) source = new FolderManifestSource(folder);
        else
            throw new ArgumentException(
                $"Manifest '{manifestArgument}' was built from '{manifest.Source ?? "(unrecorded source)"}', which is not a local folder here; pass --data DIR.");

        var report = await ManifestVerifier.VerifyAsync(manifest, source, ct);
        return Conclude(report, strict, output);
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
        return Conclude(ManifestVerifier.Verify(manifest, folder), strict, output);
    }

    private static int Conclude(ManifestVerificationReport report, bool strict, TextWriter output)
    {
        output.Write(report.Describe());
        if (strict && report.IsMatch && !report.IsExactMatch)
            output.WriteLine($"MISMATCH (--strict): {report.Extra.Count} images in '{report.Location}' are not in the manifest.");
        return (strict ? report.IsExactMatch : report.IsMatch) ? 0 : Mismatch;
    }
}
