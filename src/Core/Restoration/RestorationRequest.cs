using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using static TorchSharp.torch;

namespace Spgd.Core.Restoration;

/// <summary>One simulated restoration: degrade <paramref name="Clean"/> with the operator, then restore it with SPGD.</summary>
/// <param name="Clean">The clean image(s), [C, H, W] or [B, C, H, W] float in [−1, 1], any device; not modified.</param>
/// <param name="Operator">The forward operator and its measurement noise.</param>
/// <param name="Sampler">The sampler settings.</param>
/// <param name="Seed">The item seed (see <see cref="ItemSeed.Derive"/>); every random draw derives from it.</param>
public sealed record RestorationRequest(Tensor Clean, OperatorSettings Operator, SpgdOptions Sampler, ulong Seed);
