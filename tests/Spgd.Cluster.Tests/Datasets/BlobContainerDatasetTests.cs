using Spgd.Client.Commands;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Evaluation.Manifests;
using Spgd.Grains.Datasets;
using Spgd.Storage;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Datasets;

/// <summary>
/// A data set in another container of the storage account (<c>dataset.blob_container</c>) on Azurite: listed and hashed
/// through the store like a folder, and <c>spgd verify</c> re-checks the blobs against the manifest, naming a changed one.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobContainerDatasetTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_data_set_in_another_container_lists_like_a_folder_and_verify_names_a_changed_blob()
    {
        var storage = azurite.ConnectionString + "Container=" + AzuriteFixture.NewContainerName("jobs");
        var dataContainer = AzuriteFixture.NewContainerName("data");
        var stores = new DatasetStores(BlobStoreFactory.Create(storage), c => BlobStoreFactory.CreateInContainer(storage, c));
        var photos = Directory.GetFiles(TestPaths.FfhqDemo, "*.png").Order(StringComparer.Ordinal).ToList();
        var data = stores.For(dataContainer);
        foreach (var p in photos) await data.PutAsync("ffhq/" + Path.GetFileName(p), await File.ReadAllBytesAsync(p));
        await data.PutAsync("ffhq/README.md", "not an image"u8.ToArray());
        Assert.Empty(await stores.Cluster.ListAsync("ffhq/")); // the data set is not in the cluster's own container

        var dataset = new DatasetRef { Kind = DatasetKind.Blob, BlobPrefix = "ffhq/", BlobContainer = dataContainer, StartIndex = 2, EndIndex = 6, Size = 64 };
        var images = await BlobDatasetCatalog.ListAsync(dataset, stores);
        Assert.Equal(photos.Skip(2).Take(4).Select(Path.GetFileName), images.Select(i => i.Source));
        Assert.Equal(photos.Skip(2).Take(4).Select(Path.GetFileNameWithoutExtension), images.Select(i => i.Id));

        var source = BlobDatasetCatalog.SourceOf(dataset, stores);
        var manifest = new DatasetManifest
        {
            Entries = await ManifestEntries.FromSourceAsync(source, images.Select(i => i.Source)),
            Model = "test", Source = source.Location,
        };
        Assert.Equal(ManifestEntries.FromFolder(TestPaths.FfhqDemo, images.Select(i => i.Source)), manifest.Entries);
        var path = Path.Combine(TestPaths.NewTempDir("spgd-verify-blob"), "manifest.json");
        manifest.Save(path);

        var output = new StringWriter();
        Assert.Equal(0, await VerifyCommand.RunAsync(path, null, storage, strict: false, output, CancellationToken.None));
        Assert.Contains($"OK: 4 files in 'blob:{dataContainer}:ffhq/' match", output.ToString());

        await data.PutAsync("ffhq/" + images[1].Source, await File.ReadAllBytesAsync(photos[0]));
        output = new StringWriter();
        Assert.Equal(VerifyCommand.Mismatch, await VerifyCommand.RunAsync(path, null, storage, strict: false, output, CancellationToken.None));
        Assert.Contains(images[1].Source, output.ToString());
        Assert.Contains("1 changed", output.ToString());
    }

    [Fact]
    public void A_container_is_refused_when_the_storage_is_a_folder()
    {
        var stores = new DatasetStores(new FileBlobStore(TestPaths.NewTempDir("spgd-folder-store")), null);
        var e = Assert.Throws<ArgumentException>(() => stores.For("faces"));
        Assert.Contains("dataset.blob_container 'faces' needs Azure storage", e.Message);
    }
}
