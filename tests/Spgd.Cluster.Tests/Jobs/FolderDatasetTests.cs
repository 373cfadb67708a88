using Spgd.Contracts.Jobs;
using Spgd.Grains.Datasets;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Jobs;

/// <summary>A folder data set takes image files only; anything else is skipped and named, an image that is not one still fails.</summary>
public sealed class FolderDatasetTests
{
    [Fact]
    public void Only_images_by_extension_or_signature_become_items_and_the_rest_is_listed_as_skipped()
    {
        var dir = TestPaths.NewTempDir("spgd-folder");
        File.WriteAllBytes(Path.Combine(dir, "a.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 0, 0]);
        File.WriteAllText(Path.Combine(dir, "README.md"), "# the data set");
        File.WriteAllText(Path.Combine(dir, "SHA256SUMS"), "abc  a.png");
        File.WriteAllBytes(Path.Combine(dir, "photo-without-extension"), [0xFF, 0xD8, 0xFF, 0xE0, 1, 2]);
        File.WriteAllText(Path.Combine(dir, "claims.jpg"), "not a jpeg at all"); // claims to be an image: stays an item and fails
        var dataset = new DatasetRef { Kind = DatasetKind.Folder, Path = dir };

        Assert.Equal(["a.png", "claims.jpg", "photo-without-extension"], DatasetCatalog.List(dataset).Select(i => i.Source));
        Assert.Equal(["README.md", "SHA256SUMS"], DatasetCatalog.Skipped(dataset));
    }

    [Fact]
    public void The_ffhq_demo_folder_has_ten_images_and_skips_its_readme()
    {
        var dataset = new DatasetRef { Kind = DatasetKind.Folder, Path = TestPaths.FfhqDemo };
        Assert.Equal(10, DatasetCatalog.List(dataset).Count);
        Assert.Contains("README.md", DatasetCatalog.Skipped(dataset));
    }
}
