using System.Security.Cryptography;
using System.Text;
using Spgd.Evaluation.Manifests;
using Spgd.Tests;

namespace Spgd.Evaluation.Tests.Manifests;

public class DatasetManifestTests
{
    [Fact]
    public void Two_builds_of_the_same_folder_give_the_same_digest_and_bytes()
    {
        using var data = new TestDataset("a.png", "b.jpg", "c.jpeg");
        var first = TestDataset.Manifest(ManifestEntries.FromFolder(data.Folder));
        var second = TestDataset.Manifest(ManifestEntries.FromFolder(data.Folder));

        Assert.Equal(first.Digest, second.Digest);
        Assert.Equal(first.Entries, second.Entries);
        Assert.Equal(ManifestJson.ToUtf8(first), ManifestJson.ToUtf8(second));
    }

    [Fact]
    public void Real_ffhq_demo_folder_is_listed_in_file_order_with_true_hashes()
    {
        var entries = ManifestEntries.FromFolder(TestPaths.FfhqDemo);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"{i:D5}.png"), entries.Select(e => e.Name)); // README.md is not an image
        var file = Path.Combine(TestPaths.FfhqDemo, "00003.png");
        Assert.Equal(new FileInfo(file).Length, entries[3].Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))), entries[3].Sha256);
        Assert.Equal(TestDataset.Manifest(entries).Digest, TestDataset.Manifest(ManifestEntries.FromFolder(TestPaths.FfhqDemo)).Digest);
    }

    [Fact]
    public void Changing_one_image_changes_the_digest()
    {
        using var data = new TestDataset("00000.png", "00001.png", "00002.png");
        var before = TestDataset.Manifest(ManifestEntries.FromFolder(data.Folder));
        var bytes = File.ReadAllBytes(data.PathOf("00001.png"));
        bytes[5] ^= 1;
        data.Write("00001.png", bytes);
        var after = TestDataset.Manifest(ManifestEntries.FromFolder(data.Folder));

        Assert.NotEqual(before.Digest, after.Digest);
        Assert.NotEqual(before.DataDigest, after.DataDigest);
    }

    [Fact]
    public void Digest_is_the_sha256_of_the_documented_canonical_text()
    {
        ManifestEntry[] entries = [new("x/1.png", 12, new string('a', 64)), new("2.png", 7, new string('b', 64))];
        var manifest = TestDataset.Manifest(entries, "sha256:0123");
        var text = "spgd-manifest-v1\nmodel sha256:0123\nentries 2\n" + $"x/1.png\t12\t{new string('a', 64)}\n2.png\t7\t{new string('b', 64)}\n";
        var data = "spgd-data-v1\nentries 2\n" + $"x/1.png\t12\t{new string('a', 64)}\n2.png\t7\t{new string('b', 64)}\n";

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), manifest.Digest);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(data))), manifest.DataDigest);
    }

    [Fact]
    public void Digest_covers_model_and_order_but_not_spec_seeds_or_version()
    {
        ManifestEntry[] entries = [new("1.png", 1, new string('a', 64)), new("2.png", 2, new string('b', 64))];
        var baseline = TestDataset.Manifest(entries);
        var otherRun = new DatasetManifest
        {
            Entries = entries, Model = baseline.Model, Spec = """{"method":"dps"}""", SoftwareVersion = "9.9.9+feed",
            Seeds = new Dictionary<string, ulong> { ["x"] = 1 }, Split = "s", Source = "/elsewhere",
        };
        var otherModel = TestDataset.Manifest(entries, "spectral-gaussian(v=0.25,alpha=3.5)");
        var reordered = TestDataset.Manifest([entries[1], entries[0]]);

        Assert.Equal(baseline.Digest, otherRun.Digest);
        Assert.NotEqual(baseline.Digest, otherModel.Digest);
        Assert.Equal(baseline.DataDigest, otherModel.DataDigest);
        Assert.NotEqual(baseline.Digest, reordered.Digest);
    }

    [Fact]
    public async Task Folder_and_blob_like_source_with_the_same_files_give_the_same_manifest()
    {
        string[] names = ["img10.png", "img2.png", "img1.png"];
        using var data = new TestDataset(names);
        var blobs = names.ToDictionary(n => n, TestDataset.ContentOf);
        var fromFolder = ManifestEntries.FromFolder(data.Folder);
        var fromBlobs = await ManifestEntries.FromSourceAsync(new MemorySource("blob:data/set/", blobs));

        Assert.Equal(["img1.png", "img2.png", "img10.png"], fromFolder.Select(e => e.Name));
        Assert.Equal(fromFolder, fromBlobs);
    }

    [Fact]
    public void Explicit_list_keeps_its_order_and_reports_all_missing_names()
    {
        using var data = new TestDataset("a.png", "b.png");
        Assert.Equal(["b.png", "a.png"], ManifestEntries.FromFolder(data.Folder, ["b.png", "a.png"]).Select(e => e.Name));

        var e = Assert.Throws<MissingManifestFilesException>(() => ManifestEntries.FromFolder(data.Folder, ["a.png", "x.png", "y.png"]));
        Assert.Equal(["x.png", "y.png"], e.Missing);
        Assert.Contains("2 of 3 files", e.Message);
    }

    [Fact]
    public void Save_and_load_round_trip_every_field()
    {
        using var data = new TestDataset("a.png", "b.png");
        var manifest = new DatasetManifest
        {
            Entries = ManifestEntries.FromFolder(data.Folder),
            Model = ModelDigest.SpectralGaussian(0.25, 3.5),
            Spec = """{"tasks":["phase_retrieval"],"runs":4}""",
            Seeds = new Dictionary<string, ulong> { ["a/pr/0"] = ulong.MaxValue, ["b/pr/0"] = 7 },
            Split = "ffhq-val-1k",
            Source = data.Folder,
        };
        var path = Path.Combine(data.Folder, "out", "manifest.json");
        manifest.Save(path);
        var loaded = DatasetManifest.Load(path);

        Assert.Equal(manifest.Digest, loaded.Digest);
        Assert.Equal(manifest.Entries, loaded.Entries);
        Assert.Equal("spectral-gaussian(v=0.25,alpha=3.5)", loaded.Model);
        Assert.Equal(manifest.SoftwareVersion, loaded.SoftwareVersion);
        Assert.Equal(ulong.MaxValue, loaded.Seeds["a/pr/0"]);
        Assert.Equal(7UL, loaded.Seeds["b/pr/0"]);
        Assert.Equal("ffhq-val-1k", loaded.Split);
        Assert.Equal(data.Folder, loaded.Source);
        Assert.Equal(4, System.Text.Json.JsonDocument.Parse(loaded.Spec!).RootElement.GetProperty("runs").GetInt32());
        Assert.Equal(File.ReadAllBytes(path), ManifestJson.ToUtf8(loaded));
    }

    [Fact]
    public void Load_rejects_a_manifest_whose_entries_were_edited()
    {
        using var data = new TestDataset("a.png");
        var path = Path.Combine(data.Folder, "manifest.json");
        var manifest = TestDataset.Manifest(ManifestEntries.FromFolder(data.Folder));
        manifest.Save(path);
        File.WriteAllText(path, File.ReadAllText(path).Replace(manifest.Entries[0].Sha256, new string('0', 64)));

        var e = Assert.Throws<InvalidDataException>(() => DatasetManifest.Load(path));
        Assert.Contains("edited", e.Message);
    }

    [Fact]
    public void Load_names_a_missing_field_and_a_foreign_format()
    {
        using var data = new TestDataset("a.png");
        var path = Path.Combine(data.Folder, "manifest.json");
        TestDataset.Manifest(ManifestEntries.FromFolder(data.Folder)).Save(path);
        var json = File.ReadAllText(path);

        File.WriteAllText(path, json.Replace("\"model\"", "\"weights\""));
        Assert.Contains("lacks the field 'model'", Assert.Throws<InvalidDataException>(() => DatasetManifest.Load(path)).Message);
        File.WriteAllText(path, json.Replace("spgd-manifest/1", "other/2"));
        Assert.Contains("format 'other/2'", Assert.Throws<InvalidDataException>(() => DatasetManifest.Load(path)).Message);
        File.WriteAllText(path, "{ not json");
        Assert.Contains("malformed", Assert.Throws<InvalidDataException>(() => DatasetManifest.Load(path)).Message);
    }

    [Fact]
    public void Invalid_entries_are_rejected_with_the_name()
    {
        var tab = Assert.Throws<ArgumentException>(() => TestDataset.Manifest([new("a\tb.png", 1, new string('a', 64))]));
        Assert.Contains("a\tb.png", tab.Message);
        var twice = Assert.Throws<ArgumentException>(() => TestDataset.Manifest([new("a.png", 1, new string('a', 64)), new("a.png", 1, new string('a', 64))]));
        Assert.Contains("twice", twice.Message);
        Assert.Throws<ArgumentException>(() => TestDataset.Manifest([new("a.png", 1, new string('A', 64))]));
    }

    [Fact]
    public void Software_version_names_the_git_commit_of_the_build()
    {
        // Built from a git checkout, the SDK appends the commit to the informational version; without git only the version remains.
        var gitCheckout = Path.Exists(Path.Combine(TestPaths.RepoRoot, ".git"));
        if (gitCheckout) Assert.Matches("^[0-9a-f]{40}$", SoftwareVersion.Commit ?? "");
        Assert.StartsWith("0.", SoftwareVersion.Current);
    }
}
