using System.CommandLine;
using Spgd.Client.Commands;

var root = new RootCommand("SPGD restoration cluster")
{
    RunCommand.Create(),
    SiloCommand.Create(),
    SubmitCommand.Create(),
    WatchCommand.Create(),
    JobsCommand.Create(),
    CancelCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
