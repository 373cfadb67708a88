using System.CommandLine;
using Spgd.Client.Cluster;
using Spgd.Evaluation.Manifests;
using Spgd.Storage;

namespace Spgd.Client.Commands;

/// <summary>
/// <c>spgd data upload DIR --prefix P</c>: puts a folder's image files into the cluster's storage under a blob prefix, so
/// that a spec's <c>dataset: {blob_prefix: P}</c> reads them. Same storage option as <c>submit</c>; only image files
/// (<see cref="ImageFileNames.IsImage"/>) directly inside DIR, as a data set folder is read.
/// </summary>
public static class DataCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var folder = new Argument<string>("DIR") { Description = "Folder of image files (PNG/JPEG) to upload" };
        var prefix = new Option<string>("--prefix") { Description = "Blob name prefix to upload under, e.g. datasets/ffhq/", Required = true };
        var storage = ClusterCommandOptions.Storage();
        var upload = new Command("upload", "Upload a folder's images to a blob prefix of the cluster's storage") { folder, prefix, storage };
        upload.SetAction(async (parse, ct) =>
        {
            var dir = Path.GetFullPath(parse.GetValue(folder)!);
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"folder not found: {dir}");
            var target = NormalizePrefix(parse.GetValue(prefix)!);
            var store = BlobStoreFactory.Create(ClusterCommandOptions.RequiredStorageOf(parse, storage));
            var names = ImageFileNames.OrderedImages(Directory.EnumerateFiles(dir).Select(Path.GetFileName).OfType<string>());
            if (names.Count == 0) throw new InvalidDataException($"{dir} holds no image files ({string.Join(", ", ImageFileNames.Extensions)}).");
            long bytes = 0;
            foreach (var name in names)
            {
                var content = await File.ReadAllBytesAsync(Path.Combine(dir, name), ct);
                await store.PutAsync(target + name, content, cancellationToken: ct);
                bytes += content.LongLength;
            }

            Console.WriteLine($"Uploaded {names.Count} images ({bytes} bytes) from {dir} to {target} in {store}.");
            return 0;
        });
        return new Command("data", "Manage data sets in the cluster's storage") { upload };
    }

    // A prefix names a "folder" of blobs: relative, '/'-separated, no '..', ending in '/'.
    private static string NormalizePrefix(string prefix)
    {
        var p = prefix.Trim().Replace('\\', '/');
        if (p.Length == 0 || p.StartsWith('/') || p.Split('/').Any(s => s is "." or ".."))
            throw new ArgumentException($"--prefix '{prefix}' must be a relative blob prefix such as datasets/ffhq/ (no leading '/', no '.' or '..').");
        return p.EndsWith('/') ? p : p + "/";
    }
}
