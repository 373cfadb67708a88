using Spgd.Core.Arrays;
using static TorchSharp.torch;

namespace Spgd.Core.Operators;

/// <summary>Builds forward operators from <see cref="OperatorSettings"/> for a given image size.</summary>
public static class OperatorFactory
{
    /// <summary>
    /// Creates the operator for height×width images. Masks and kernels come from <see cref="OperatorSettings.MaskPath"/>
    /// / <see cref="OperatorSettings.KernelPath"/> when given, otherwise they are drawn from <paramref name="seed"/>
    /// on a CPU generator, so a seed gives the same operator on every machine.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid settings (every problem listed) or sizes.</exception>
    /// <exception cref="InvalidDataException">A mask/kernel file is not a valid .npy array.</exception>
    public static ForwardOperator Create(OperatorSettings settings, int height, int width, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        CheckSize(height, width);
        var task = settings.CanonicalTask;
        switch (task)
        {
            case TaskNames.InpaintingRandom or TaskNames.InpaintingBox:
            {
                using var mask = settings.MaskPath is { } maskPath ? LoadNpy(maskPath)
                    : task == TaskNames.InpaintingRandom ? InpaintingMasks.Random(height, width, settings.DropFraction, seed)
                    : InpaintingMasks.Box(height, width, settings.BoxSize ?? Math.Min(height, width) / 2,
                        settings.BoxMargin ?? Math.Min(height, width) / 8, settings.BoxPlacement, seed);
                return Create(settings, height, width, mask);
            }
            case TaskNames.GaussianBlur or TaskNames.MotionBlur:
            {
                using var kernel = settings.KernelPath is { } kernelPath ? LoadNpy(kernelPath)
                    : task == TaskNames.GaussianBlur ? GaussianKernel.Create(settings.KernelSize, settings.GaussianStd)
                    : MotionBlurKernel.Generate(settings.KernelSize, settings.MotionIntensity, seed);
                return Create(settings, height, width, kernel);
            }
            case TaskNames.SuperResolution: return new SuperResolutionOperator(height, width, settings.ScaleFactor);
            case TaskNames.PhaseRetrieval: return new PhaseRetrievalOperator(height, width, settings.Oversample);
            case TaskNames.Hdr: return new HdrOperator(settings.HdrScale);
            case TaskNames.NonlinearBlur: return NonlinearBlurOperator.Create(settings.NonlinearBlur!, height, width);
            default: throw new ArgumentException($"no operator for task '{task}'");
        }
    }

    /// <summary>
    /// Creates an inpainting operator from an explicit mask (H×W, 1 keeps a pixel) or a blur from an explicit K×K
    /// kernel (odd K), e.g. the reference fixtures' or the CLI's <c>--mask</c>/<c>--kernel</c> files. The tensor is copied.
    /// </summary>
    /// <exception cref="ArgumentException">The task takes neither a mask nor a kernel, or the tensor's shape does not fit.</exception>
    public static ForwardOperator Create(OperatorSettings settings, int height, int width, Tensor maskOrKernel)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(maskOrKernel);
        CheckSize(height, width);
        var task = settings.CanonicalTask;
        switch (task)
        {
            case TaskNames.InpaintingRandom or TaskNames.InpaintingBox:
                if (maskOrKernel.dim() < 2 || maskOrKernel.shape[^2] != height || maskOrKernel.shape[^1] != width)
                    throw new ArgumentException($"{task}: mask shape [{string.Join(", ", maskOrKernel.shape)}] does not match the image size {height}×{width}", nameof(maskOrKernel));
                return new InpaintingOperator(task, maskOrKernel);
            case TaskNames.GaussianBlur or TaskNames.MotionBlur:
                var blur = new BlurOperator(task, maskOrKernel);
                if (blur.KernelSize / 2 >= Math.Min(height, width))
                {
                    blur.Dispose();
                    throw new ArgumentException($"{task}: a {maskOrKernel.shape[^1]}×{maskOrKernel.shape[^1]} kernel needs images larger than {maskOrKernel.shape[^1] / 2} px per side for reflection padding, got {height}×{width}", nameof(maskOrKernel));
                }
                return blur;
            default:
                throw new ArgumentException($"task '{task}' takes no mask or kernel (only inpainting and blur tasks do)", nameof(settings));
        }
    }

    private static Tensor LoadNpy(string path) => NpyFile.Read(path).ToTensor();

    private static void CheckSize(int height, int width)
    {
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), $"image size must be positive, got {height}×{width}");
    }
}
