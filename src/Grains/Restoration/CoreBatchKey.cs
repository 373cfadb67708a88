using Spgd.Contracts.Jobs;
using Spgd.Core.Operators;
using Spgd.Core.Sampling;

namespace Spgd.Grains.Restoration;

/// <summary>
/// What items must share to run as one batch on a device: the model (and so the denoiser), the image size, the task
/// with its operator parameters and noise, and the sampler with its whole schedule (T, N, lr, ADM preset, projection,
/// algorithm). Records compare by value, so items of different jobs with equal settings batch too. Each item keeps its
/// own seed, image and outputs.
/// </summary>
/// <param name="Model">The model reference.</param>
/// <param name="Size">Image side.</param>
/// <param name="Operator">Core's operator settings of the item's task.</param>
/// <param name="Sampler">Core's sampler settings (after a sweep point is applied).</param>
public sealed record CoreBatchKey(ModelRef Model, int Size, OperatorSettings Operator, SpgdOptions Sampler);
