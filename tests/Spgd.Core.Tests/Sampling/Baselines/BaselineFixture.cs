using System.Text.Json;
using Spgd.Core.Arrays;
using Spgd.Core.Denoising;
using Spgd.Core.Models;
using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using Spgd.Tests;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Sampling.Baselines;

/// <summary>
/// One fixture of <c>scripts/fixtures/baselines.py</c>: an official baseline's run on the shared random-weight UNet,
/// under tests/Spgd.Core.Tests/Fixtures/baselines/&lt;method&gt;/&lt;task&gt;/.
/// </summary>
internal sealed class BaselineFixture(string method, string task)
{
    public string Folder { get; } = Path.Combine(TestPaths.RepoRoot, "tests", "Spgd.Core.Tests", "Fixtures", "baselines", method, task);

    public string Task { get; } = task;

    public JsonElement Config => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "config.json"))).RootElement;

    public Tensor Load(string name) => NpyFile.Read(Path.Combine(Folder, name)).ToTensor();

    public bool Has(string name) => File.Exists(Path.Combine(Folder, name));

    /// <summary>The shared fixture UNet behind the VP-preconditioned denoiser.</summary>
    public static VpPreconditionedDenoiser Denoiser() => UNetLoader.LoadDenoiser(
        UNetConfig.FromJsonFile(TestPaths.Fixture("unet", "config.json")), TestPaths.Fixture("unet", "checkpoint.pt"), CPU);

    /// <summary>The project's operator for the fixture's task, built from its mask or kernel.</summary>
    public ForwardOperator Operator()
    {
        var size = Config.GetProperty("image_size").GetInt32();
        return Task switch
        {
            TaskNames.InpaintingRandom => new InpaintingOperator(Task, Load("mask.npy")),
            TaskNames.SuperResolution => new SuperResolutionOperator(size, size, 4),
            TaskNames.GaussianBlur => new BlurOperator(Task, Load("kernel.npy")),
            _ => throw new ArgumentException(Task),
        };
    }

    /// <summary>Runs <paramref name="sampler"/> and returns its per-step x̂₀ and x_{t−1} and the output.</summary>
    public static (Tensor X0Hats, Tensor Xs, Tensor Output) Run(IPosteriorSampler sampler, Tensor like, Tensor y, ForwardOperator op)
    {
        var x0 = new List<Tensor>();
        var xs = new List<Tensor>();
        var output = sampler.Sample(like, y, op, s =>
        {
            x0.Add(s.X0Hat.detach().clone().DetachFromDisposeScope());
            xs.Add(s.X.detach().clone().DetachFromDisposeScope());
        });
        return (stack(x0), stack(xs), output);
    }
}

/// <summary>Replays recorded standard normal draws, in order, and fails when the sampler asks for more or other shapes.</summary>
internal sealed class ReplayedNoise(Tensor draws) : INoiseSource
{
    private int _next;

    public int Used => _next;

    public Tensor NextLike(Tensor like)
    {
        Assert.True(_next < draws.shape[0], $"the sampler drew more than the {draws.shape[0]} recorded noise tensors");
        var n = draws[_next++];
        Assert.Equal(like.shape, n.shape);
        return n.to(like.dtype, like.device).clone();
    }
}
