using System.CommandLine;
using Spgd.Client.Cli;
using Spgd.Client.Cluster;
using Spgd.Client.Commands;

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
