using System.CommandLine;
using System.Runtime.CompilerServices;
using Spgd.Client.Cli;
using Spgd.Client.Cluster;
using Spgd.Client.Commands;

// Commands that run tensors get jemalloc (see NativeAllocator); cluster clients never load Core.
if (!ClusterCommandSet.IsInvokedBy(args)) PreferJemalloc();

// Each command lives in its own file under Commands/ and is registered here, one line each.
var root = new RootCommand("spgd: SPGD image restoration (low-level tools and cluster client)");
Command[] commands = ClusterCommandSet.IsInvokedBy(args)
    ? ClusterCommandSet.Create() // keeps TorchSharp out of cluster clients
    :
    [
        RunCommand.Create(),
        SiloCommand.Create(),
        .. ClusterCommandSet.Create(),
        UnetCommand.Create(),
        DenoiseCommand.Create(),
        OperatorCommand.Create(),
        RestoreCommand.Create(),
        MetricsCommand.Create(),
        VerifyCommand.Create(),
        ReportCommand.Create(),
        BenchCommand.Create(),
    ];
foreach (var command in commands) root.Subcommands.Add(command);

return CliApp.Run(root, args);

// Its own method, so that cluster commands never JIT a reference to Spgd.Core.
[MethodImpl(MethodImplOptions.NoInlining)]
static void PreferJemalloc() => Spgd.Core.Runtime.NativeAllocator.PreferJemalloc();
