using Spgd.Core.Checkpoints;
using Spgd.Tests;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Checkpoints;

public class CheckpointReaderTests
{
    private static readonly string ZipCheckpoint = TestPaths.Fixture("unet", "checkpoint.pt");
    private static readonly string LegacyCheckpoint = TestPaths.Fixture("unet", "checkpoint-legacy-fp16.pt");

    [Fact]
    public void ZipCheckpointHasEveryKeyAndShapeOfTheFixtureList()
    {
        var expected = ShapeList.Read(TestPaths.Fixture("unet", "state_dict_shapes.txt"));
        using var file = CheckpointReader.Open(ZipCheckpoint);
        Assert.Equal(CheckpointFormat.TorchZip, file.Format);
        Assert.Equal(expected, file.Tensors.Select(t => (t.Key, t.ShapeText)).ToList());
        Assert.All(file.Tensors, t => Assert.Equal(ScalarType.Float32, t.StoredType));
    }

    [Fact]
    public void LegacyFp16CheckpointLoadsAsFloat32AndAgreesWithTheZipOneToHalfPrecision()
    {
        var zip = CheckpointReader.Load(ZipCheckpoint);
        var legacy = CheckpointReader.Load(LegacyCheckpoint);
        try
        {
            using (var file = CheckpointReader.Open(LegacyCheckpoint))
            {
                Assert.Equal(CheckpointFormat.TorchLegacy, file.Format);
                Assert.All(file.Tensors, t => Assert.Equal(ScalarType.Float16, t.StoredType));
            }
            Assert.Equal(zip.Keys.OrderBy(k => k, StringComparer.Ordinal), legacy.Keys.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var (key, full) in zip)
            {
                var half = legacy[key];
                Assert.Equal(ScalarType.Float32, half.dtype);
                Assert.Equal(full.shape, half.shape);
                // The fp16 file holds the float32 weights rounded to half precision: 2⁻¹¹ relative at most
                // (plus the subnormal step 2⁻²⁴ for tiny values).
                double maxError = (half - full).abs().max().item<float>();
                double bound = full.abs().max().item<float>() * Math.Pow(2, -11) + Math.Pow(2, -24);
                Assert.True(maxError <= bound, $"{key}: |fp16 − fp32| = {maxError} > {bound}");
            }
            Assert.True(zip.Values.Any(t => t.abs().max().item<float>() > 0), "the weights are not all zero");
        }
        finally
        {
            foreach (var t in zip.Values.Concat(legacy.Values)) t.Dispose();
        }
    }

    [Fact]
    public void SafetensorsRoundTripKeepsValuesAndConvertsHalfToFloat32()
    {
        var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir, "w.safetensors");
        using var a = torch.arange(12, dtype: ScalarType.Float32).reshape(3, 4) / 7;
        using var b = torch.tensor(new double[] { 0.5, -1.25 }).to(ScalarType.Float16);
        using var c = torch.tensor(new long[] { 7, -3, 1L << 40 });
        CheckpointReader.SaveSafetensors(path, [new("layer.weight", a), new("layer.bias", b), new("steps", c)]);

        var loaded = CheckpointReader.Load(path);
        Assert.Equal(new[] { "layer.weight", "layer.bias", "steps" }, loaded.Keys);
        Assert.Equal(a.data<float>().ToArray(), loaded["layer.weight"].data<float>().ToArray());
        Assert.Equal(ScalarType.Float32, loaded["layer.bias"].dtype);
        Assert.Equal(new float[] { 0.5f, -1.25f }, loaded["layer.bias"].data<float>().ToArray());
        Assert.Equal(new long[] { 7, -3, 1L << 40 }, loaded["steps"].data<long>().ToArray());
        foreach (var t in loaded.Values) t.Dispose();
    }

    [Fact]
    public void ZipCheckpointWrappedWithModulePrefixesAndStridedViewsOfASharedStorage()
    {
        // {'state_dict': {'module.w': storage[0:4] viewed 2×2 transposed, 'module.b': storage[2:4]}, 'epoch': 5}
        var pickle = new PickleBuilder().EmptyDict().Mark()
            .Str("state_dict").EmptyDict().Mark()
                .Str("module.w").Tensor("0", "FloatStorage", 4, 0, [2, 2], [1, 2])
                .Str("module.b").Tensor("0", "FloatStorage", 4, 2, [2], [1])
            .SetItems()
            .Str("epoch").Int(5)
            .SetItems().Stop();
        var path = Path.Combine(TestPaths.NewTempDir(), "wrapped.pt");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("wrapped/data.pkl").Open()) s.Write(pickle);
            using (var s = zip.CreateEntry("wrapped/data/0").Open())
                foreach (var v in new float[] { 1, 2, 3, 4 }) s.Write(BitConverter.GetBytes(v));
        }

        var loaded = CheckpointReader.Load(path);
        Assert.Equal(new[] { "w", "b" }, loaded.Keys);
        Assert.Equal(new long[] { 2, 2 }, loaded["w"].shape);
        Assert.Equal(new float[] { 1, 3, 2, 4 }, loaded["w"].data<float>().ToArray());
        Assert.Equal(new float[] { 3, 4 }, loaded["b"].data<float>().ToArray());
        foreach (var t in loaded.Values) t.Dispose();
    }

    [Fact]
    public void ATensorReachingBeyondItsStorageIsRejected()
    {
        var pickle = new PickleBuilder().EmptyDict().Mark()
            .Str("w").Tensor("0", "HalfStorage", 4, 2, [4], [1])
            .SetItems().Stop();
        var path = Path.Combine(TestPaths.NewTempDir(), "bad.pt");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("bad/data.pkl").Open()) s.Write(pickle);
            using (var s = zip.CreateEntry("bad/data/0").Open()) s.Write(new byte[8]);
        }
        var e = Assert.Throws<InvalidDataException>(() => CheckpointReader.Load(path));
        Assert.Contains("tensor 'w' (4) reaches element 5 of storage '0', which has 4", e.Message);
    }

    [Fact]
    public void BFloat16IsWidenedToFloat32()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "bf16.safetensors");
        using var values = torch.tensor(new float[] { 1.5f, -2.25f, 65536f, 0.0078125f });
        using var bf16 = values.to(ScalarType.BFloat16);
        CheckpointReader.SaveSafetensors(path, [new("w", bf16)]);
        using var file = CheckpointReader.Open(path);
        Assert.Equal(ScalarType.BFloat16, file.Tensors.Single().StoredType);
        using var w = file.Read("w");
        Assert.Equal(ScalarType.Float32, w.dtype);
        Assert.Equal(values.data<float>().ToArray(), w.data<float>().ToArray());
    }

    [Fact]
    public void APlainPickleIsNotACheckpoint()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "plain.pkl");
        File.WriteAllBytes(path, new PickleBuilder().EmptyDict().Stop());
        var e = Assert.Throws<InvalidDataException>(() => CheckpointReader.Load(path));
        Assert.Contains("plain.pkl is a pickle but not a PyTorch checkpoint", e.Message);
    }

    [Fact]
    public void MissingFileIsReportedAsSuch()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "nope.pt");
        var e = Assert.Throws<FileNotFoundException>(() => CheckpointReader.Load(path));
        Assert.Contains("nope.pt", e.Message);
    }

    [Fact]
    public void ANonCheckpointFileIsRejectedWithItsName()
    {
        var path = TestPaths.Fixture("unet", "x.npy");
        var e = Assert.Throws<InvalidDataException>(() => CheckpointReader.Load(path));
        Assert.Contains("x.npy", e.Message);
        Assert.Contains("not a model checkpoint", e.Message);

        var text = Path.Combine(TestPaths.NewTempDir(), "config.json");
        File.WriteAllText(text, "{\"image_size\": 64}");
        Assert.Contains("not a model checkpoint", Assert.Throws<InvalidDataException>(() => CheckpointReader.Load(text)).Message);
    }

    [Fact]
    public void AZipThatIsNotATorchCheckpointIsRejected()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "other.zip");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
            zip.CreateEntry("readme.txt");
        var e = Assert.Throws<InvalidDataException>(() => CheckpointReader.Load(path));
        Assert.Contains("no <name>/data.pkl", e.Message);
    }

    [Fact]
    public void UnsupportedPickleOpcodeIsNamedWithItsOffset()
    {
        // PROTO 2, MARK, then INST (protocol-0 class instantiation), which state dicts never use.
        var bytes = new byte[] { 0x80, 0x02, (byte)'(', (byte)'i', (byte)'a', (byte)'\n', (byte)'b', (byte)'\n', (byte)'.' };
        var e = Assert.Throws<InvalidDataException>(() => new PickleReader(new MemoryStream(bytes), "test.pkl").Load());
        Assert.Contains("unsupported pickle opcode INST (0x69)", e.Message);
        Assert.Contains("offset 3", e.Message);
        Assert.Contains("test.pkl", e.Message);
    }

    [Fact]
    public void PickleReaderBuildsTheContainersStateDictsUse()
    {
        // pickle.dumps(collections.OrderedDict([('a', (1, 2.5, 'x')), ('b', [True, None, -70000, 2**70])]), protocol=2)
        var bytes = Convert.FromHexString(
            "800263636f6c6c656374696f6e730a4f726465726564446963740a7100295271012858010000006171024b01474004000000000000580100000078710387710458010000006271055d710628884e4a90eefeff8a0900000000000000004065752e");
        var root = new PickleReader(new MemoryStream(bytes), "t").Load();
        var dict = Assert.IsType<OrderedDictionary<object, object?>>(root);
        Assert.Equal(new object[] { "a", "b" }, dict.Keys);
        Assert.Equal(new object?[] { 1L, 2.5, "x" }, (object?[])dict["a"]!);
        var list = Assert.IsType<List<object?>>(dict["b"]);
        Assert.Equal(true, list[0]);
        Assert.Null(list[1]);
        Assert.Equal(-70000L, list[2]);
        Assert.Equal(System.Numerics.BigInteger.Pow(2, 70), list[3]);
    }
}
