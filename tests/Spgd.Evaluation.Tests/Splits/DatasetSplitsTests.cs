using Spgd.Evaluation.Manifests;
using Spgd.Evaluation.Splits;
using Spgd.Tests;

namespace Spgd.Evaluation.Tests.Splits;

public class DatasetSplitsTests
{
    [Fact]
    public void Ffhq_val_1k_is_images_00000_to_00999_at_256()
    {
        var split = DatasetSplits.Get("ffhq-val-1k");
        Assert.Equal(1000, split.FileNames.Count);
        Assert.Equal("00000.png", split.FileNames[0]);
        Assert.Equal("00999.png", split.FileNames[^1]);
        Assert.Equal(256, split.ImageSize);
        Assert.Equal(split.FileNames, ImageFileNames.OrderedImages(split.FileNames));
    }

    [Fact]
    public void Imagenet_val_500_is_the_first_500_validation_files()
    {
        var split = DatasetSplits.Get("ImageNet-Val-500");
        Assert.Equal(500, split.FileNames.Distinct().Count());
        Assert.Equal("ILSVRC2012_val_00000001.JPEG", split.FileNames[0]);
        Assert.Equal("ILSVRC2012_val_00000500.JPEG", split.FileNames[^1]);
        Assert.Contains("first 500", split.Rationale);
    }

    [Fact]
    public void Resolve_returns_full_paths_in_split_order_and_ignores_extra_files()
    {
        var split = new DatasetSplit("tiny", "three images", 64, ["b.png", "a.png", "c.png"], "test");
        using var data = new Manifests.TestDataset("a.png", "b.png", "c.png", "d.png", "LICENSE.txt");

        Assert.Equal(split.FileNames.Select(data.PathOf), split.Resolve(data.Folder));
    }

    [Fact]
    public void Resolve_refuses_and_lists_the_missing_files_first_ten_and_count()
    {
        // Only the first ten FFHQ images are present: 990 are missing.
        var split = DatasetSplits.FfhqVal1k;
        using var data = new Manifests.TestDataset(split.FileNames.Take(10).ToArray());

        var e = Assert.Throws<MissingManifestFilesException>(() => DatasetSplits.Resolve("ffhq-val-1k", data.Folder));

        Assert.Equal(split.FileNames.Skip(10), e.Missing);
        Assert.Contains("990 of 1000 files of split 'ffhq-val-1k'", e.Message);
        Assert.Contains("00010.png", e.Message);
        Assert.Contains("00019.png", e.Message);
        Assert.DoesNotContain("00020.png", e.Message);
        Assert.Contains("980 more", e.Message);
    }

    [Fact]
    public void Resolve_against_blob_names_reports_missing_ones()
    {
        var split = DatasetSplits.ImageNetVal500;
        var available = split.FileNames.Skip(1).ToList();
        var e = Assert.Throws<MissingManifestFilesException>(() => split.Resolve(available, "blob:imagenet/val/"));
        Assert.Equal(["ILSVRC2012_val_00000001.JPEG"], e.Missing);
        Assert.Equal(split.FileNames, split.Resolve(split.FileNames.Reverse(), "blob:imagenet/val/"));
    }

    [Fact]
    public async Task Manifest_entries_of_a_split_are_hashed_in_split_order_or_refused_before_hashing()
    {
        var split = DatasetSplits.FfhqVal1k;
        var blobs = split.FileNames.ToDictionary(n => n, Manifests.TestDataset.ContentOf);
        var entries = await split.ManifestEntriesAsync(new Manifests.MemorySource("blob:ffhq/00000/", blobs));
        Assert.Equal(split.FileNames, entries.Select(e => e.Name));

        blobs.Remove("00500.png");
        var e = await Assert.ThrowsAsync<MissingManifestFilesException>(() => split.ManifestEntriesAsync(new Manifests.MemorySource("blob:ffhq/00000/", blobs)));
        Assert.Contains("split 'ffhq-val-1k'", e.Message);
        Assert.Equal(["00500.png"], e.Missing);
    }

    [Fact]
    public void Unknown_split_names_the_known_ones()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => DatasetSplits.Get("celeba"));
        Assert.Contains("ffhq-val-1k", e.Message);
        Assert.Contains("imagenet-val-500", e.Message);
    }

    [Fact]
    public void Missing_folder_is_a_clear_error()
    {
        var folder = Path.Combine(TestPaths.NewTempDir(), "nope");
        var e = Assert.Throws<DirectoryNotFoundException>(() => DatasetSplits.Resolve("ffhq-val-1k", folder));
        Assert.Contains(folder, e.Message);
    }
}
