using Spgd.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Models;

/// <summary>
/// The arithmetic of the UNet torso (input, middle and output blocks), as guided-diffusion's <c>use_fp16</c>: the
/// convolution weights are converted once, GroupNorm and the attention softmax widen to float32, and the timestep
/// embedding, the head and the denoiser around the network stay float32, so the likelihood gradient reaches x in float32.
/// </summary>
public enum UNetPrecision
{
    /// <summary>float32 throughout (the default).</summary>
    Fp32,

    /// <summary>bfloat16 torso: float32's range with 8 mantissa bits; CPUs with AVX512-BF16/AMX and GPUs.</summary>
    Bf16,

    /// <summary>float16 torso, as guided-diffusion's <c>use_fp16</c>; GPUs only (libtorch's CPU float16 convolutions are slow).</summary>
    Fp16,
}

/// <summary>Names, element types and the device check of <see cref="UNetPrecision"/>.</summary>
public static class UNetPrecisions
{
    /// <summary>The names a spec or the CLI accepts, in the order of <see cref="UNetPrecision"/> (the vocabulary's).</summary>
    public static IReadOnlyList<string> Names => PrecisionNames.All;

    /// <summary>The setting's name (<c>fp32</c>, <c>bf16</c>, <c>fp16</c>).</summary>
    public static string Name(this UNetPrecision precision) => Names[(int)precision];

    /// <summary>Parses a name; null when it is none of <see cref="Names"/>.</summary>
    public static UNetPrecision? TryParse(string? name)
    {
        int i = name is null ? -1 : Names.ToList().IndexOf(name.Trim().ToLowerInvariant());
        return i < 0 ? null : (UNetPrecision)i;
    }

    /// <summary>The torso's element type.</summary>
    public static ScalarType ElementType(this UNetPrecision precision) => precision switch
    {
        UNetPrecision.Bf16 => ScalarType.BFloat16,
        UNetPrecision.Fp16 => ScalarType.Float16,
        _ => ScalarType.Float32,
    };

    /// <summary>What runs: the explicit setting, else half precision when the config says <c>use_fp16</c>, else float32.</summary>
    public static UNetPrecision Resolve(UNetPrecision? requested, UNetConfig config) =>
        requested ?? (config.UseFp16 ? UNetPrecision.Fp16 : UNetPrecision.Fp32);

    /// <summary>Why <paramref name="precision"/> cannot run on <paramref name="device"/> (one line), or null when it can.</summary>
    public static string? Refusal(UNetPrecision precision, DeviceType device, CpuFeatures cpu) => (precision, device) switch
    {
        (UNetPrecision.Fp16, DeviceType.CPU) =>
            "precision fp16 runs on GPUs only (libtorch's CPU float16 convolutions are slower than float32); use fp32, or bf16 on a CPU with AVX512-BF16 or AMX" +
            " (a config with use_fp16: true asks for fp16: override it with --precision / model.precision)",
        (UNetPrecision.Bf16, DeviceType.CPU) when !cpu.HasBf16 =>
            "precision bf16 needs a CPU with AVX512-BF16 or AMX-BF16 (this one has neither: libtorch would emulate it, slower than float32); use fp32",
        _ => null,
    };
}
