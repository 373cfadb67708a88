using System.CommandLine;
using Spgd.Client.Commands;

namespace Spgd.Client.Cluster;

/// <summary>
/// The commands that talk to a running cluster. They must not load TorchSharp (a client pod has no
/// libtorch), but building the low-level commands' options does; so when one of these is invoked,
/// Program builds only these.
/// </summary>
public static class ClusterCommandSet
{
    /// <summary>Names of the commands that only need Contracts and the Orleans client.</summary>
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(StringComparer.Ordinal) { "submit", "watch", "jobs", "cancel", "results", "data" };

    /// <summary>True when <paramref name="args"/> invoke a client-only command.</summary>
    public static bool IsInvokedBy(string[] args) => args.Length > 0 && Names.Contains(args[0]);

    /// <summary>The client-only commands.</summary>
    public static Command[] Create() => [SubmitCommand.Create(), WatchCommand.Create(), JobsCommand.Create(), CancelCommand.Create(), ResultsCommand.Create(), DataCommand.Create()];
}
