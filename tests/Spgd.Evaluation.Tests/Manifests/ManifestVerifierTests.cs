using Spgd.Evaluation.Manifests;
using Spgd.Tests;

namespace Spgd.Evaluation.Tests.Manifests;

public class ManifestVerifierTests
{
    private static readonly string[] Names = ["00000.png", "00001.png", "00002.png", "00003.png"];

    [Fact]
    public void Unchanged_folder_matches()
    {
        using var data = new TestDataset(Names);
        var manifest = TestDataset.Manifest(ManifestEntries.FromFolder(data.Folder));
        var report = ManifestVerifier.Verify(manifest, data.Folder);

        Assert.True(report.IsExactMatch);
        Assert.Equal(4, report.Checked);
        Assert.Equal(manifest.Digest, report.ActualDigest);
        Assert.StartsWith("OK", report.Describe());
    }

    [Fact]
    public void Changed_bytes_are_reported_for_exactly_that_file_with_the_new_digest()
    {
        using var data = new TestDataset(Names);
        var manifest = TestDataset.Manifest(ManifestEntries.FromFolder(data.Folder));
        var bytes = File.ReadAllBytes(data.PathOf("00002.png"));
        bytes[0] ^= 0xFF; // same size, different content
        data.Write("00002.png", bytes);

        var report = ManifestVerifier.Verify(manifest, data.Folder);

        Assert.False(report.IsMatch);
        var changed = Assert.Single(report.Changed);
        Assert.Equal("00002.png", changed.Name);
        Assert.Equal(changed.Expected.Bytes, changed.Actual.Bytes);
        Assert.NotEqual(changed.Expected.Sha256, changed.Actual.Sha256);
        Assert.Empty(report.Missing);
        Assert.Empty(report.Extra);
        Assert.Equal(TestDataset.Manifest(ManifestEntries.FromFolder(data.Folder)).Digest, report.ActualDigest);
        Assert.NotEqual(manifest.Digest, report.ActualDigest);
        Assert.Contains("00002.png", report.Describe());
        Assert.StartsWith("MISMATCH", report.Describe());
    }

    [Fact]
    public void Resized_file_reports_both_sizes()
    {
        using var data = new TestDataset(Names);
        var manifest = TestDataset.Manifest(ManifestEntries.FromFolder(data.Folder));
        data.Write("00000.png", [1, 2, 3]);

        var changed = Assert.Single(ManifestVerifier.Verify(manifest, data.Folder).Changed);
        Assert.Equal(3, changed.Actual.Bytes);
        Assert.Contains("3 bytes", changed.ToString());
    }

    [Fact]
    public void Missing_file_is_reported_and_extra_images_are_listed_without_failing()
    {
        using var data = new TestDataset(Names);
        var manifest = TestDataset.Manifest(ManifestEntries.FromFolder(data.Folder));
        File.Delete(data.PathOf("00001.png"));
        data.Write("99999.png", [9]);
        data.Write("notes.txt", [9]); // not an image: never "extra"

        var report = ManifestVerifier.Verify(manifest, data.Folder);

        Assert.Equal(["00001.png"], report.Missing);
        Assert.Empty(report.Changed);
        Assert.Equal(["99999.png"], report.Extra);
        Assert.Null(report.ActualDigest);
        Assert.False(report.IsMatch);
        Assert.Contains("missing (1):", report.Describe());
    }

    [Fact]
    public void Extra_images_alone_still_match_but_not_exactly()
    {
        using var data = new TestDataset(Names);
        var manifest = TestDataset.Manifest(ManifestEntries.FromFolder(data.Folder, ["00000.png", "00001.png"]));
        var report = ManifestVerifier.Verify(manifest, data.Folder);

        Assert.True(report.IsMatch);
        Assert.False(report.IsExactMatch);
        Assert.Equal(["00002.png", "00003.png"], report.Extra);
    }

    [Fact]
    public async Task Verifies_a_blob_like_source()
    {
        var blobs = Names.ToDictionary(n => n, TestDataset.ContentOf);
        var manifest = TestDataset.Manifest(await ManifestEntries.FromSourceAsync(new MemorySource("blob:c/p/", blobs)));
        blobs["00003.png"] = [0];

        var report = await ManifestVerifier.VerifyAsync(manifest, new MemorySource("blob:c/p/", blobs));

        Assert.Equal("00003.png", Assert.Single(report.Changed).Name);
        Assert.Equal("blob:c/p/", report.Location);
    }

    [Fact]
    public void Names_that_leave_the_folder_are_refused()
    {
        using var data = new TestDataset(Names);
        var manifest = TestDataset.Manifest([new("../outside.png", 1, new string('a', 64))]);
        Assert.Throws<ArgumentException>(() => ManifestVerifier.Verify(manifest, data.Folder));
    }
}
