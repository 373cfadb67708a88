using Spgd.Core.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Models.Bkse;

/// <summary>
/// BKSE's KernelWizard (Tran et al., CVPR 2021, "Explore Image Deblurring via Encoded Blur Kernel Space"), with
/// the reference's state-dict names: <c>feature_extractor</c> (conv, two stride-2 convs, residual blocks: ¼ size),
/// <c>kernel_extractor</c> (F, not needed to blur), <c>adapter</c> (G, a U-Net that injects a kernel code) and
/// <c>recon_trunk</c> (residual blocks, two ×2 pixel shuffles). <see cref="AdaptKernel"/> blurs sharp images in [0, 1]
/// with a given code, the forward model of DPS's and SPGD's nonlinear deblurring. The weights are frozen.
/// </summary>
public sealed class KernelWizard : nn.Module<Tensor, Tensor, Tensor>
{
    // Field names are the state-dict names.
    private readonly nn.Module<Tensor, Tensor> feature_extractor;
    private readonly KernelExtractor kernel_extractor;
    private readonly KernelAdapter adapter;
    private readonly nn.Module<Tensor, Tensor> recon_trunk;

    /// <summary>Builds the network (random initial weights; load a checkpoint with <see cref="LoadWeights(string)"/>).</summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public KernelWizard(KernelWizardOptions options, Device? device = null) : base(nameof(KernelWizard))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        long nf = options.Features;
        var front = new List<nn.Module<Tensor, Tensor>>
        {
            nn.Conv2d(options.InputChannels, nf, 3, padding: 1, device: device), nn.LeakyReLU(0.1),
            nn.Conv2d(nf, nf, 3, stride: 2, padding: 1, device: device), nn.LeakyReLU(0.1),
            nn.Conv2d(nf, nf, 3, stride: 2, padding: 1, device: device), nn.LeakyReLU(0.1),
        };
        for (var i = 0; i < options.FrontBlocks; i++) front.Add(new ResidualBlockNoBN(nf, device));
        feature_extractor = Indexed(front);
        kernel_extractor = new KernelExtractor(options, device);
        adapter = new KernelAdapter(options, device);
        var back = new List<nn.Module<Tensor, Tensor>>();
        for (var i = 0; i < options.BackBlocks; i++) back.Add(new ResidualBlockNoBN(nf, device));
        back.AddRange([
            nn.Conv2d(nf, nf * 4, 3, padding: 1, device: device), nn.PixelShuffle(2), nn.LeakyReLU(0.1),
            nn.Conv2d(nf, 64 * 4, 3, padding: 1, device: device), nn.PixelShuffle(2), nn.LeakyReLU(0.1), // 64 is fixed in the reference
            nn.Conv2d(64, 64, 3, padding: 1, device: device), nn.LeakyReLU(0.1),
            nn.Conv2d(64, options.InputChannels, 3, padding: 1, device: device),
        ]);
        recon_trunk = Indexed(back);
        RegisterComponents();
        foreach (var p in parameters()) p.requires_grad = false;
        eval();
    }

    /// <summary>The hyper-parameters this network was built from.</summary>
    public KernelWizardOptions Options { get; }

    /// <summary>Total number of parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Every state-dict key with its shape, in registration order.</summary>
    public IReadOnlyList<(string Key, long[] Shape)> ParameterShapes =>
        named_parameters().Select(np => (np.name, np.parameter.shape)).ToList();

    /// <summary>
    /// Blurs sharp images [B, C, H, W] in [0, 1] with kernel codes [B or 1, 8nf, H/128, W/128] (a single code is
    /// shared by the batch): recon(adapter(features(x), code)) + x. Differentiable with respect to x.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes that do not fit.</exception>
    public Tensor AdaptKernel(Tensor sharp, Tensor code)
    {
        ArgumentNullException.ThrowIfNull(sharp);
        ArgumentNullException.ThrowIfNull(code);
        if (sharp.dim() != 4 || sharp.shape[1] != Options.InputChannels)
            throw new ArgumentException($"KernelWizard expects images [B, {Options.InputChannels}, H, W], got [{string.Join(", ", sharp.shape)}]", nameof(sharp));
        var expected = Options.CodeShape(sharp.shape[2], sharp.shape[3]);
        if (code.dim() != 4 || (code.shape[0] != 1 && code.shape[0] != sharp.shape[0]) || !code.shape.Skip(1).SequenceEqual(expected.Skip(1)))
            throw new ArgumentException($"kernel code [{string.Join(", ", code.shape)}] does not fit images [{string.Join(", ", sharp.shape)}]: expected [1 or {sharp.shape[0]}, {string.Join(", ", expected.Skip(1))}]", nameof(code));
        using var scope = NewDisposeScope();
        var batchCode = code.expand(sharp.shape[0], -1, -1, -1);
        var features = feature_extractor.forward(sharp);
        var adapted = adapter.forward(features, batchCode);
        return scope.MoveToOuter(recon_trunk.forward(adapted) + sharp);
    }

    /// <summary>The kernel extractor's code for a sharp/blurred pair (BKSE's forward; not used to blur).</summary>
    public override Tensor forward(Tensor sharp, Tensor blurred)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(kernel_extractor.forward(feature_extractor.forward(sharp), feature_extractor.forward(blurred)));
    }

    /// <summary>Copies a checkpoint into the network after a strict key/shape check.</summary>
    /// <exception cref="StateDictMismatchException">The checkpoint does not fit these options.</exception>
    public void LoadWeights(CheckpointFile checkpoint) => StateDictLoader.LoadStrict(this, checkpoint);

    /// <summary>Opens <paramref name="checkpointPath"/> (torch.save zip/legacy or safetensors) and loads it strictly.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not a checkpoint, or a malformed one.</exception>
    /// <exception cref="StateDictMismatchException">The checkpoint does not fit these options.</exception>
    public void LoadWeights(string checkpointPath)
    {
        using var file = CheckpointReader.Open(checkpointPath);
        LoadWeights(file);
    }

    /// <summary>Builds the network for <paramref name="options"/> on <paramref name="device"/> and loads <paramref name="checkpointPath"/>.</summary>
    public static KernelWizard Load(KernelWizardOptions options, string checkpointPath, Device? device = null)
    {
        using var checkpoint = CheckpointReader.Open(checkpointPath); // structure first: a bad path fails before building
        var network = new KernelWizard(options, device);
        try
        {
            network.LoadWeights(checkpoint);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>A sequential container whose children are named 0, 1, … as torch.nn.Sequential names them (parameter-free layers included).</summary>
    internal static nn.Module<Tensor, Tensor> Indexed(IReadOnlyList<nn.Module<Tensor, Tensor>> layers) =>
        nn.Sequential(layers.Select((m, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), m)).ToArray());
}
