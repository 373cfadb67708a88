namespace Spgd.Vocabulary;

/// <summary>
/// The UNet torso precisions a spec (<c>model.precision</c>) or the CLI (<c>--precision</c>) may name; Core's
/// <c>UNetPrecision</c> enum follows this order.
/// </summary>
public static class PrecisionNames
{
    /// <summary>float32 throughout (the default).</summary>
    public const string Fp32 = "fp32";

    /// <summary>Every name, in the order of Core's <c>UNetPrecision</c>.</summary>
    public static IReadOnlyList<string> All { get; } = [Fp32, "bf16", "fp16"];
}
