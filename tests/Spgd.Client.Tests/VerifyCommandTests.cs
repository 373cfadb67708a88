using Spgd.Client.Commands;
using Spgd.Evaluation.Manifests;
using Spgd.Tests;

namespace Spgd.Client.Tests;

public class VerifyCommandTests
{
    private static (string Folder, string Manifest) Dataset()
    {
        var folder = TestPaths.NewTempDir("spgd-verify");
        for (var i = 0; i < 3; i++) File.WriteAllBytes(Path.Combine(folder, $"{i:D5}.png"), [(byte)i, 1, 2, 3]);
        var manifest = Path.Combine(TestPaths.NewTempDir("spgd-verify-out"), "manifest.json");
        new DatasetManifest { Entries = ManifestEntries.FromFolder(folder), Model = "sha256:00", Source = folder }.Save(manifest);
        return (folder, manifest);
    }

    [Fact]
    public void Matching_folder_exits_zero_using_the_recorded_source()
    {
        var (_, manifest) = Dataset();
        var output = new StringWriter();
        Assert.Equal(0, VerifyCommand.Run(manifest, null, strict: false, output));
        Assert.StartsWith("OK: 3 files", output.ToString());
    }

    [Fact]
    public void Changed_and_missing_files_exit_non_zero_and_are_listed()
    {
        var (folder, manifest) = Dataset();
        File.WriteAllBytes(Path.Combine(folder, "00001.png"), [9, 9, 9, 9]);
        File.Delete(Path.Combine(folder, "00002.png"));
        var output = new StringWriter();

        Assert.Equal(VerifyCommand.Mismatch, VerifyCommand.Run(manifest, folder, strict: false, output));
        var text = output.ToString();
        Assert.Contains("1 missing, 1 changed", text);
        Assert.Contains("  00002.png", text);
        Assert.Contains("00001.png: same size 4 bytes", text);
    }

    [Fact]
    public void Extra_images_fail_only_with_strict()
    {
        var (folder, manifest) = Dataset();
        File.WriteAllBytes(Path.Combine(folder, "00003.png"), [7]);
        Assert.Equal(0, VerifyCommand.Run(manifest, folder, strict: false, new StringWriter()));
        Assert.Equal(VerifyCommand.Mismatch, VerifyCommand.Run(manifest, folder, strict: true, new StringWriter()));
    }
}
