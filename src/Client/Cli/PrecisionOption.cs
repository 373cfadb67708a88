using System.CommandLine;

namespace Spgd.Client.Cli;

/// <summary>The one <c>--precision</c> option (restore, denoise, run, submit, bench nfe). Names come from the vocabulary,
/// so a cluster client lists them without loading the engine (and libtorch).</summary>
public static class PrecisionOption
{
    /// <summary>A new <c>--precision fp32|bf16|fp16</c> option; unset means the model config's <c>use_fp16</c>, else fp32.</summary>
    public static Option<string?> Create() => new Option<string?>("--precision")
    {
        Description = "UNet torso arithmetic: fp32, bf16 (CPUs with AVX512-BF16/AMX, GPUs) or fp16 (GPUs); default fp32, or fp16 when the config says use_fp16",
    }.AcceptOnlyFromAmong([.. PrecisionNames.All]);

    /// <summary><c>bench nfe --baseline fp32|bf16|fp16</c>: a second precision timed in alternation with --precision.</summary>
    public static Option<string?> CreateBaseline() => new Option<string?>("--baseline")
    {
        Description = "Also build the network in this precision and time the two in alternation in this process; reports the ratio pair by pair " +
            "(the fair comparison on a machine whose speed drifts; peak memory then covers both networks)",
    }.AcceptOnlyFromAmong([.. PrecisionNames.All]);
}
