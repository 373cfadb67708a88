using static TorchSharp.torch;

namespace Spgd.Core.Sampling;

/// <summary>
/// Where a stochastic sampler draws its standard normal noise. The default is a seeded generator
/// (<see cref="GeneratorNoiseSource"/>); parity tests replay the draws recorded from an official implementation, whose
/// random number stream cannot be reproduced here.
/// </summary>
public interface INoiseSource
{
    /// <summary>A tensor of i.i.d. N(0, 1) values shaped like <paramref name="like"/>, on its device and dtype.</summary>
    Tensor NextLike(Tensor like);
}
