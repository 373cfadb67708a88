using Spgd.Core.Runtime;
using TorchSharp;

namespace Spgd.Core.Tests;

public class TorchNativeLibraryTests
{
    [Fact]
    public void TorchSharpLoadsAndDifferentiates()
    {
        _ = TorchNativeLibrary.Status;
        using var x = torch.tensor(new float[] { 1, 2, 3 }, requires_grad: true);
        using var y = (x * x).sum();
        y.backward();
        Assert.Equal(new float[] { 2, 4, 6 }, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void OutputLibraryHasWeakOrSatisfiedGlibcxxNeed()
    {
        _ = TorchNativeLibrary.Status;
        var lib = TorchNativeLibrary.LibraryCandidates(AppContext.BaseDirectory).First();
        var need = ElfVersionNeeds.Read(File.ReadAllBytes(lib)).Single(n => n.Version == TorchNativeLibrary.RequiredVersion);
        Assert.Equal("libstdc++.so.6", need.Library);
        if (!TorchNativeLibrary.HostProvides(TorchNativeLibrary.RequiredVersion))
            Assert.NotEqual(0, need.Flags & ElfVersionNeeds.VerFlagWeak);
    }

    [Fact]
    public void PatchingACopyMarksOnlyTheGlibcxx332NeedWeakAndIsIdempotent()
    {
        var nuget = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var pristine = Directory.EnumerateFiles(Path.Combine(nuget, "torchsharp"), "libLibTorchSharp.so", SearchOption.AllDirectories).First();
        var copy = Path.Combine(Path.GetTempPath(), $"libLibTorchSharp-{Guid.NewGuid():N}.so");
        File.Copy(pristine, copy);
        try
        {
            var before = ElfVersionNeeds.Read(File.ReadAllBytes(copy));
            Assert.Contains(before, n => n.Version == TorchNativeLibrary.RequiredVersion && (n.Flags & ElfVersionNeeds.VerFlagWeak) == 0);
            Assert.True(TorchNativeLibrary.PatchFile(copy));
            var after = ElfVersionNeeds.Read(File.ReadAllBytes(copy));
            Assert.Equal(before.Count, after.Count);
            for (int i = 0; i < before.Count; i++)
            {
                var expected = before[i].Version == TorchNativeLibrary.RequiredVersion ? before[i].Flags | ElfVersionNeeds.VerFlagWeak : before[i].Flags;
                Assert.Equal(expected, after[i].Flags);
            }
            Assert.False(TorchNativeLibrary.PatchFile(copy));
            Assert.Equal(File.ReadAllBytes(pristine).Length, File.ReadAllBytes(copy).Length);
        }
        finally { File.Delete(copy); }
    }

    [Fact]
    public void NonElfInputIsRejected() =>
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(new byte[100]));
}
