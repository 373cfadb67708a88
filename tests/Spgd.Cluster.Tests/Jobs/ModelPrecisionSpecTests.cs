using Spgd.Contracts.Jobs;
using Spgd.Core.Models;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Jobs;

/// <summary><c>model.precision</c> in a job spec: accepted names reach the job's model reference (and so the batching
/// key and the silo's loader); anything else, or a precision on the closed-form prior, is refused naming the field.</summary>
public sealed class ModelPrecisionSpecTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir("spgd-precision");

    public ModelPrecisionSpecTests() => File.WriteAllBytes(Path.Combine(_dir, "ffhq.pt"), [0]); // validation checks the file exists

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private JobSpec Spec(string precisionLine, string kind = "unet") => JobSpecLoader.Parse($$"""
        dataset: {builtin: spectral-demo, count: 2, image_size: 256}
        model: {kind: {{kind}}{{(kind == "unet" ? ", preset: ffhq256, checkpoint: ffhq.pt" : "")}}{{precisionLine}}}
        tasks: [{name: inpainting_random}]
        """, "spec.yaml");

    [Theory]
    [InlineData("bf16")]
    [InlineData("FP16")]
    [InlineData("fp32")]
    public void AnAcceptedPrecisionReachesTheJobsModel(string precision)
    {
        var spec = Spec($", precision: {precision}");
        Assert.Empty(JobSpecValidator.Validate(spec, new JobSpecValidationOptions { BaseDirectory = _dir }));
        var job = JobSpecMapper.ToDefinition(spec, _dir);
        Assert.Equal(precision.ToLowerInvariant(), job.Model.Precision);
    }

    [Fact]
    public void WithoutPrecisionTheConfigDecides() => Assert.Null(JobSpecMapper.ToDefinition(Spec(""), _dir).Model.Precision);

    [Fact]
    public void AnUnknownPrecisionIsRefusedNamingTheField()
    {
        var problem = Assert.Single(JobSpecValidator.Validate(Spec(", precision: half"), new JobSpecValidationOptions { BaseDirectory = _dir }));
        Assert.Equal("model.precision: unknown precision 'half': expected one of fp32, bf16, fp16", problem);
    }

    [Fact]
    public void APrecisionOnTheClosedFormPriorIsRefused()
    {
        var problem = Assert.Single(JobSpecValidator.Validate(Spec(", precision: bf16", "spectral-gaussian") with
        {
            Dataset = new DatasetSpec { Builtin = DatasetSpec.SpectralDemo, Count = 2, ImageSize = 64 },
        }, new JobSpecValidationOptions { BaseDirectory = _dir }));
        Assert.StartsWith("model.precision: does not apply", problem);
    }

    /// <summary>Core's enum follows the vocabulary's names, in order.</summary>
    [Fact]
    public void CoresPrecisionsAreTheVocabularysNames() =>
        Assert.Equal(PrecisionNames.All, Enum.GetValues<UNetPrecision>().Select(p => p.Name()));
}
