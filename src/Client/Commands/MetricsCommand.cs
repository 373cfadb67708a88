using System.CommandLine;
using System.Text.Json;
using Spgd.Client.Cli;
using Spgd.Core.Metrics;

namespace Spgd.Client.Commands;

/// <summary><c>spgd metrics</c>: PSNR, SSIM (and LPIPS when weights are given) of each candidate image against its reference, as JSON.</summary>
public static class MetricsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var reference = CliOptions.ExistingFile("--reference", "Ground-truth images, .npy (N,3,H,W) or (3,H,W) in [-1, 1]");
        var candidate = CliOptions.ExistingFile("--candidate", "Images to score, .npy of the same shape in [-1, 1]");
        var lpipsOptions = new LpipsOptions();
        var device = DeviceOption.Create();
        var command = new Command("metrics", "Print per-image PSNR, SSIM and LPIPS (piq's definitions) as JSON")
        {
            reference, candidate, device,
        };
        lpipsOptions.AddTo(command);
        command.SetAction(parse =>
        {
            string referencePath = parse.GetValue(reference)!, candidatePath = parse.GetValue(candidate)!;
            using var x = TensorFiles.ReadImages(referencePath, "--reference");
            using var y = TensorFiles.ReadImages(candidatePath, "--candidate");
            if (!x.shape.SequenceEqual(y.shape))
                throw new CliInputException($"--candidate {candidatePath} has shape {TensorFiles.ShapeText(y.shape)}, --reference {referencePath} has {TensorFiles.ShapeText(x.shape)}; they must match");
            using var metrics = new MetricSet(lpipsOptions.Create(parse, DeviceOption.Resolve(parse.GetValue(device)!)));
            Print(metrics.Compute(x, y));
            return 0;
        });
        return command;
    }

    private static void Print(ImageMetrics[] metrics)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var json = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            WriteArray(json, "psnr", metrics.Select(m => (double?)m.Psnr));
            WriteArray(json, "ssim", metrics.Select(m => (double?)m.Ssim));
            if (metrics.Any(m => m.Lpips is null)) json.WriteNull("lpips");
            else WriteArray(json, "lpips", metrics.Select(m => m.Lpips));
            json.WriteEndObject();
        }
        stdout.Write("\n"u8);
    }

    private static void WriteArray(Utf8JsonWriter json, string name, IEnumerable<double?> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values) json.WriteNumberValue(v!.Value);
        json.WriteEndArray();
    }
}
