using Spgd.Core.Operators;
using Spgd.Grains.Restoration;
using static TorchSharp.torch;

namespace Spgd.Cluster.Tests.Restoration;

/// <summary>Every task's measurement has a picture for the report's grids; phase retrieval's is its log spectrum.</summary>
public sealed class MeasurementImageTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Phase_retrievals_magnitude_is_shown_as_a_centred_log_spectrum_of_the_images_size(int seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var clean = rand([3, 32, 32], generator: generator) * 0.5f + 0.4f; // a bright image: its mean (the DC term) dominates the spectrum
        using var op = OperatorFactory.Create(new OperatorSettings(TaskNames.PhaseRetrieval), 32, 32, seed: 1);
        var y = op.Apply(clean.unsqueeze(0)).squeeze(0);
        var shown = MeasurementImage.ToImageSpace(y, clean, TaskNames.PhaseRetrieval);
        Assert.NotNull(shown);
        Assert.Equal([3L, 32L, 32L], shown.shape);
        // The picture itself spans the full range (the oversampled spectrum is resized before it is scaled).
        Assert.Equal(1f, shown.max().item<float>(), 3);
        Assert.Equal(-1f, shown.min().item<float>(), 3);
        // The DC term (the image's mean, the largest magnitude) sits in the centre of the operator's centred spectrum.
        Assert.Equal(shown[0].max().item<float>(), shown[0, 16, 16].item<float>());
    }
}
