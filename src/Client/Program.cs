using System.CommandLine;
using Spgd.Client.Commands;

// Each command lives in its own file under Commands/ and is registered here, one line each.
var root = new RootCommand("spgd: SPGD image restoration (low-level tools and cluster client)");
Command[] commands =
[
    ReportCommand.Create(),
];
foreach (var command in commands) root.Subcommands.Add(command);
return root.Parse(args).Invoke();
