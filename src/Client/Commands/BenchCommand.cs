using System.CommandLine;
using Spgd.Client.Bench;

namespace Spgd.Client.Commands;

/// <summary><c>spgd bench</c>: performance measurements; each sub-command prints a table and can write JSON.</summary>
public static class BenchCommand
{
    /// <summary>Builds the command with its sub-commands.</summary>
    public static Command Create() => new("bench", "Measure performance: network evaluations, operators, whole restorations")
    {
        NfeBench.Create(),
        MatmulBench.Create(),
        OperatorsBench.Create(),
        RestoreBench.Create(),
        OrchestrationBench.Create(),
        ScaleoutBench.Create(),
        BatchingBench.Create(),
    };
}
