using Spgd.Contracts.Jobs;
using Spgd.Evaluation.Manifests;
using Spgd.Grains.Datasets;
using Spgd.Storage;

namespace Spgd.Grains.Jobs;

/// <summary>
/// What a submission must pass before anything is stored: the definition's checks (<see cref="JobDefinitionChecks"/>),
/// the silo's data roots, and a listing of its data set (folder, built-in or blob prefix); and, for an id that already
/// holds a job, what differs between the stored job and the new submission (<see cref="JobBinding"/>).
/// </summary>
internal sealed class JobAdmission(string jobId, DatasetStores datasets, DataRoots dataRoots)
{
    /// <summary>A definition that passed, with its canonical task names, and its data set's images in evaluation order.</summary>
    public sealed record Admitted(JobDefinition Definition, IReadOnlyList<DatasetImage> Images);

    /// <summary>Whether <paramref name="e"/> is a refusal of the submission (bad input), as opposed to a fault.</summary>
    public static bool IsRefusal(Exception e) => e is IOException or ArgumentException or InvalidDataException or UnauthorizedAccessException;

    /// <summary>Checks <paramref name="definition"/> and lists its images; throws a refusal (see <see cref="IsRefusal"/>).</summary>
    public async Task<Admitted> AdmitAsync(JobDefinition definition)
    {
        var resolved = JobDefinitionChecks.Validate(jobId, definition);
        dataRoots.ThrowIfOutside(resolved);
        var images = resolved.Dataset.Kind == DatasetKind.Blob
            ? await BlobDatasetCatalog.ListAsync(resolved.Dataset, datasets)
            : DatasetCatalog.List(resolved.Dataset);
        return new Admitted(resolved, images);
    }

    /// <summary>The manifest of an admitted job (seeds as given: none where only the data are compared).</summary>
    public Task<DatasetManifest> ManifestAsync(Admitted admitted, IReadOnlyDictionary<string, ulong> seeds) =>
        JobManifest.BuildAsync(admitted.Definition, admitted.Images, seeds, datasets);

    /// <summary>
    /// What differs between the job stored under the id and a new submission of <paramref name="fresh"/> (null when the
    /// spec and the data are the same, so the submission resumes the stored job).
    /// </summary>
    public async Task<string?> DifferenceAsync(IBlobStore store, JobDefinitionState stored, Admitted fresh)
    {
        var freshManifest = await ManifestAsync(fresh, new Dictionary<string, ulong>());
        DatasetManifest? storedManifest = null;
        try
        {
            if ((await store.GetAsync(ItemKeys.Manifest(jobId)))?.Content is { } bytes) storedManifest = ManifestJson.Parse(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or FormatException) { /* the digest alone then says that the data differ */ }
        return JobBinding.Difference(stored.Definition!, stored.SpecDigest, stored.ManifestDigest, storedManifest, fresh.Definition, freshManifest);
    }
}
