using System.CommandLine;
using Spgd.Client.Cli;
using Spgd.Core.Operators;

namespace Spgd.Client.Commands;

/// <summary><c>spgd operator</c>: applies a forward operator y = A(x) (+ σ_y·n) to a batch of images.</summary>
public static class OperatorCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var operatorOptions = new OperatorOptions();
        var input = CliOptions.ExistingFile("--input", "Clean images x, .npy (N,3,H,W) or (3,H,W) in [-1, 1]");
        var output = CliOptions.OutputFile("--output", "Where to write y = A(x) (+ noise), .npy");
        var noise = CliOptions.Number("--noise-sigma", "Measurement noise σ_y added to A(x), drawn from --seed (default 0: y = A(x) exactly)", 0, defaultValue: 0);
        var device = DeviceOption.Create();
        var command = new Command("operator", "Apply a forward operator (degradation) to images: y = A(x) + σ_y·n")
        {
            input, output, noise, device,
        };
        operatorOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var dev = DeviceOption.Resolve(parse.GetValue(device)!);
            TensorFiles.PrepareOutputFile(parse.GetValue(output)!, "--output");
            using var x = TensorFiles.ReadImages(parse.GetValue(input)!, "--input");
            using var op = operatorOptions.Create(parse, (int)x.shape[2], (int)x.shape[3]);
            op.To(dev);
            using var xd = x.to(dev);
            using var y = Measurement.Simulate(op, xd, parse.GetValue(noise), parse.GetValue(operatorOptions.Seed));
            TensorFiles.Write(parse.GetValue(output)!, y, "--output");
            return 0;
        });
        return command;
    }
}
