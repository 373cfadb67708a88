namespace Spgd.Core.Models;

/// <summary>
/// Arithmetic and memory of one evaluation of a guided-diffusion UNet, counted from its architecture by
/// <see cref="UNetCostModel"/>. FLOPs count a multiply-add as 2; elementwise work uses the per-element costs listed on
/// <see cref="UNetCostModel"/>. All figures are for the whole batch.
/// </summary>
/// <param name="Batch">Images per evaluation.</param>
/// <param name="Size">Image side in pixels.</param>
/// <param name="ConvolutionFlops">2-D convolutions (3×3 and 1×1, incl. the stride-2/up-sampling ones) and the attention blocks' 1×1 q/k/v and output projections.</param>
/// <param name="LinearFlops">Timestep-embedding MLP and each residual block's embedding projection.</param>
/// <param name="AttentionFlops">The two batched matmuls of self-attention, qᵀk and v·softmax.</param>
/// <param name="NormalizationFlops">GroupNorm statistics, normalisation and affine.</param>
/// <param name="ElementwiseFlops">SiLU, softmax, residual adds, scale-shift, attention scaling, resampling, biases excluded (inside the convolutions).</param>
/// <param name="ParameterCount">Weights of the network (independent of batch and size).</param>
/// <param name="SavedActivationElements">float32 elements autograd keeps from the forward pass for the backward to the
/// input (weights do not require grad): the inputs of convolutions, GroupNorms, SiLUs and average pools, the operands of
/// the attention matmuls and softmax outputs.</param>
/// <param name="SavedActivationElementsWithRecompute">The same when each GroupNorm → SiLU → conv chain is recomputed in
/// the backward (<see cref="GuidedDiffusionUNet.RecomputeActivations"/>): each chain keeps only its input.</param>
/// <param name="LargestActivationElements">The largest single activation tensor of the forward pass.</param>
public sealed record UNetCost(int Batch, int Size, double ConvolutionFlops, double LinearFlops, double AttentionFlops,
    double NormalizationFlops, double ElementwiseFlops, long ParameterCount, double SavedActivationElements,
    double SavedActivationElementsWithRecompute, double LargestActivationElements)
{
    /// <summary>Multiply-add work (convolutions, linear layers, attention matmuls): what a matrix engine executes.</summary>
    public double MatmulFlops => ConvolutionFlops + LinearFlops + AttentionFlops;

    /// <summary>All forward FLOPs.</summary>
    public double ForwardFlops => MatmulFlops + NormalizationFlops + ElementwiseFlops;

    /// <summary>
    /// One evaluation with the gradient to the input only (this implementation: weights never require grad): the
    /// forward, then a backward that costs one forward for convolutions, linear layers and elementwise work (input
    /// gradients only) and two for the attention matmuls (both operands depend on x). ≈ 2× forward.
    /// </summary>
    public double GradientPassFlops => 2 * ForwardFlops + AttentionFlops;

    /// <summary>As <see cref="GradientPassFlops"/> when weights also require grad (the official SPGD code): the weight
    /// gradients of convolutions and linear layers add one more forward's worth of their FLOPs. ≈ 3× forward, the usual
    /// training rule of thumb.</summary>
    public double GradientPassWithWeightGradsFlops => GradientPassFlops + ConvolutionFlops + LinearFlops;

    /// <summary>Bytes of float32 weights.</summary>
    public double ParameterBytes => 4.0 * ParameterCount;

    /// <summary>Bytes autograd holds between the forward and the backward (float32).</summary>
    public double SavedActivationBytes => 4 * SavedActivationElements;

    /// <summary>Bytes autograd holds between the forward and the backward with recomputation (float32).</summary>
    public double SavedActivationBytesWithRecompute => 4 * SavedActivationElementsWithRecompute;

    /// <summary>
    /// Expected peak memory of a gradient pass without recomputation: weights + saved activations + a backward working set of three of the
    /// largest activation (its incoming gradient, the outgoing one, and a temporary of the same size).
    /// Excludes the runtime itself (libtorch and .NET, a few hundred MiB).
    /// </summary>
    public double GradientPassPeakBytes => ParameterBytes + SavedActivationBytes + 3 * 4 * LargestActivationElements;

    /// <summary>As <see cref="GradientPassPeakBytes"/> with recomputation.</summary>
    public double GradientPassPeakBytesWithRecompute => ParameterBytes + SavedActivationBytesWithRecompute + 3 * 4 * LargestActivationElements;
}
