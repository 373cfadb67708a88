using Spgd.Core.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Spgd.Core.Models;

/// <summary>The layers of one GroupNorm → (scale-shift) → SiLU → (resample) → 3×3 convolution chain of a residual block.</summary>
/// <param name="Norm">The GroupNorm.</param>
/// <param name="Resampling">Resampling between the activation and the convolution (up/down residual blocks).</param>
/// <param name="Conv">A 3×3, stride-1, padding-1 convolution.</param>
internal sealed record NormActConvLayers(GroupNorm32 Norm, Resampling Resampling, Conv2d Conv)
{
    /// <summary>GroupNorm, then <c>·(1 + scale) + shift</c> when a scale is given, SiLU and resampling: the convolution's input.</summary>
    public Tensor Activate(Tensor x, Tensor? scale, Tensor? shift)
    {
        using var scope = NewDisposeScope();
        var h = scale is null ? Norm.forward(x) : Norm.forward(x, scale, shift!);
        h = Resample.Apply(F.silu(h), Resampling);
        return scope.MoveToOuter(h);
    }

    /// <summary>The whole chain, without any autograd bookkeeping of its own.</summary>
    public Tensor Forward(Tensor x, Tensor? scale, Tensor? shift)
    {
        using var activation = Activate(x, scale, shift);
        return Conv.forward(activation);
    }

    /// <summary>
    /// Whether recomputing a chain whose input holds <paramref name="inputElements"/> values (whole batch) pays: only
    /// when its activations outweigh its convolution's <paramref name="weightElements"/>. At coarse resolutions the
    /// activations a chain keeps are smaller than its weights, so keeping them costs little memory, while recomputing
    /// them costs what it costs anywhere (a second GroupNorm and SiLU, and a flipped copy of the weights for the
    /// backward convolution, which there is larger than the activations). Measured in docs/benchmarks.md.
    /// </summary>
    public static bool RecomputePays(long inputElements, long weightElements) => inputElements >= weightElements;

    /// <summary>
    /// The chain as ONE autograd node that keeps only its input <paramref name="x"/> for the backward (plus the small
    /// scale and shift) instead of the GroupNorm input and output, the SiLU output and the convolution input: the
    /// backward recomputes the cheap elementwise part and gets the convolution's input gradient from its weights alone
    /// (a transposed convolution). Forward values are bit-identical to <see cref="Forward"/>; gradients agree to
    /// float32 round-off. Used when x requires grad and <see cref="RecomputePays"/> (otherwise it is <see cref="Forward"/>,
    /// whose convolution autograd differentiates with the original weights).
    /// </summary>
    public Tensor Apply(Tensor x, Tensor? scale, Tensor? shift)
    {
        bool record = is_grad_enabled() && x.requires_grad && RecomputePays(x.numel(), Conv.weight!.numel())
            && scale?.requires_grad != true && shift?.requires_grad != true;
        return record ? NormActConvFunction.apply(x, this, scale, shift) : Forward(x, scale, shift);
    }
}

/// <summary>The custom autograd node behind <see cref="NormActConvLayers.Apply"/>. Stateless: everything a call needs
/// travels in its context, so concurrent graphs do not interact.</summary>
internal sealed class NormActConvFunction : autograd.SingleTensorFunction<NormActConvFunction>
{
    private const string LayersKey = "layers";
    private const string ReleasedKey = "released";

    public override string Name => nameof(NormActConvFunction);

    // vars: x, layers, scale (or null), shift (or null).
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var layers = (NormActConvLayers)vars[1];
        var scale = vars[2] as Tensor;
        var shift = vars[3] as Tensor;
        ctx.save_for_backward([x, scale!, shift!]);
        ctx.save_data(LayersKey, layers);
        return layers.Forward(x, scale, shift);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        ReturnedGradient.ReleasePrevious();
        if (ctx.get_data(ReleasedKey) is true)
            throw new InvalidOperationException("a second backward through the same UNet graph is not supported (its recomputed activations were released after the first); set RecomputeActivations = false to retain graphs");
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var layers = (NormActConvLayers)ctx.get_data(LayersKey);
        // Input gradient of a stride-1, padding-1 3×3 convolution: a convolution of the output gradient with the
        // weights flipped in space and transposed in channels. Written as a forward convolution because libtorch's CPU
        // transposed convolution goes through an im2col buffer of 9·C_in·H·W floats (600 MB at 256² for 256 channels).
        using var flipped = layers.Conv.weight!.flip(2, 3).transpose(0, 1);
        var gradActivation = F.conv2d(gradOutput, flipped, padding: [1, 1]);
        Tensor gradInput;
        using (enable_grad())
        {
            var input = saved[0].detach().requires_grad_(true);
            var activation = layers.Activate(input, saved[1], saved[2]);
            gradInput = autograd.grad([activation], [input], [gradActivation])[0];
        }
        // The incoming gradient's handle was made for this call (in the caller's dispose scope, which lasts the whole
        // backward): release it now, or every chain's output gradient stays alive until the backward ends.
        gradOutput.Dispose();
        // Release the saved input now, as libtorch does for its own nodes after their backward; TorchSharp would
        // otherwise keep it until the whole graph is freed, so memory would not shrink while gradients grow.
        ctx.save_data(ReleasedKey, true);
        ctx.Dispose();
        return [ReturnedGradient.Hand(scope.MoveToOuter(gradInput)), null!, null!, null!];
    }
}
