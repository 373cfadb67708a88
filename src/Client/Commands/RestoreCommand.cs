using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spgd.Client.Cli;
using Spgd.Core.Denoising;
using Spgd.Core.Imaging;
using Spgd.Core.Metrics;
using Spgd.Core.Operators;
using Spgd.Core.Restoration;
using Spgd.Core.Sampling;
using static TorchSharp.torch;

namespace Spgd.Client.Commands;

/// <summary>
/// <c>spgd restore</c>: SPGD restoration, in two forms. Low-level: restore a given measurement from a given start
/// (<c>--measurement</c>, <c>--x-start</c>, <c>--output</c>). Everyday: degrade a photo with the task's operator, restore it
/// and report metrics (<c>--image</c>, <c>--out</c>).
/// </summary>
public static class RestoreCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var operatorOptions = new OperatorOptions();
        var denoiserOptions = new DenoiserOptions();
        var samplerOptions = new SamplerOptions();
        var lpipsOptions = new LpipsOptions();
        var measurement = CliOptions.ExistingFile("--measurement", "Low-level form: the measurement y, .npy (the operator's output shape)", required: false);
        var xStart = CliOptions.ExistingFile("--x-start", "Low-level form: the start x_T, .npy (N,3,H,W), typically σ_max·n", required: false);
        var output = CliOptions.OutputFile("--output", "Low-level form: where to write the restored x, .npy (not clipped)", required: false);
        var image = CliOptions.ExistingFile("--image", "Everyday form: a photo (PNG, JPEG, ...) to degrade and restore", required: false);
        var size = CliOptions.Integer("--size", "Everyday form: the photo is resized (short side) and centre-cropped to size×size", 16, 4096, defaultValue: 256);
        var noise = CliOptions.OptionalNumber("--noise-sigma", $"Everyday form: measurement noise σ_y (default: the paper's {SamplerDefaults.NoiseSigma})", 0);
        var outDir = CliOptions.OutputFile("--out", "Everyday form: folder for ground_truth.png, measurement.png/.npy, restored.png and metrics.json", required: false);
        var device = DeviceOption.Create();
        var command = new Command("restore", "Restore images with SPGD: from a measurement (.npy), or a photo degraded on the fly (--image)")
        {
            measurement, xStart, output, image, size, noise, outDir, device,
        };
        operatorOptions.AddTo(command);
        denoiserOptions.AddTo(command, defaultsToPrior: true);
        samplerOptions.AddTo(command);
        lpipsOptions.AddTo(command);
        command.Validators.Add(r => CheckForm(r, image, outDir, [measurement, xStart, output], [size, noise, outDir, lpipsOptions.Vgg, lpipsOptions.Linear]));

        command.SetAction(parse =>
        {
            var dev = DeviceOption.Resolve(parse.GetValue(device)!);
            using var cancel = CancelOnCtrlC();
            var options = samplerOptions.Create(parse, parse.GetValue(operatorOptions.Task)!);
            if (BaselineSamplers.NameOf(options.Algorithm) is { } baseline && BaselineSamplers.Refusal(baseline, parse.GetValue(operatorOptions.Task)!) is { } refusal)
                throw new CliInputException($"--algorithm {baseline} cannot run {TaskNames.Normalize(parse.GetValue(operatorOptions.Task)!)}: {refusal}");
            IDenoiser CreateDenoiser() => denoiserOptions.Create(parse, dev);
            if (parse.GetValue(image) is { } photo)
            {
                var everyday = new Everyday(photo, parse.GetValue(size), parse.GetValue(outDir)!, parse.GetValue(operatorOptions.Seed));
                var settings = operatorOptions.Settings(parse, parse.GetValue(noise) ?? SamplerDefaults.NoiseSigma);
                return RestorePhoto(everyday, settings, options, CreateDenoiser, () => lpipsOptions.Create(parse, dev), dev, cancel.Token);
            }
            return RestoreMeasurement(parse, operatorOptions, parse.GetValue(measurement)!, parse.GetValue(xStart)!, parse.GetValue(output)!,
                options, CreateDenoiser, dev, cancel.Token, parse.GetValue(noise) ?? SamplerDefaults.NoiseSigma, parse.GetValue(operatorOptions.Seed));
        });
        return command;
    }

    private sealed record Everyday(string Photo, int Size, string OutDir, ulong Seed);

    // Inputs and outputs are checked before the prior is loaded (a UNet takes a while), so bad paths fail at once.
    private static int RestoreMeasurement(ParseResult parse, OperatorOptions operatorOptions, string measurementPath, string xStartPath, string outputPath,
        SpgdOptions options, Func<IDenoiser> createDenoiser, Device device, CancellationToken ct, double noiseSigma, ulong seed)
    {
        TensorFiles.PrepareOutputFile(outputPath, "--output");
        using var x = TensorFiles.ReadImages(xStartPath, "--x-start");
        using var y = TensorFiles.ReadArray(measurementPath, "--measurement").ToTensor();
        using var op = operatorOptions.Create(parse, (int)x.shape[2], (int)x.shape[3]);
        op.To(device);
        using var xd = x.to(device);
        using var yd = y.to(device);
        CheckMeasurementShape(op, xd, yd, measurementPath);
        var denoiser = createDenoiser();
        using var owned = denoiser as IDisposable;
        // A baseline runs at its protocol for the task, with its own noise drawn from --seed.
        using var baselineNoise = BaselineSamplers.NameOf(options.Algorithm) is null ? null : new GeneratorNoiseSource((long)ItemSeed.ForSampler(seed));
        IPosteriorSampler sampler;
        try
        {
            sampler = baselineNoise is null ? PosteriorSamplers.Create(denoiser, options)
                : BaselineSamplers.Create(BaselineSamplers.NameOf(options.Algorithm)!, denoiser, op.Task, noiseSigma, baselineNoise);
        }
        catch (NotSupportedException e)
        {
            throw new CliInputException($"--algorithm {BaselineSamplers.NameOf(options.Algorithm)}: {e.Message}");
        }
        using var restored = sampler.Sample(xd, yd, op, null, ct);
        TensorFiles.Write(outputPath, restored, "--output");
        return 0;
    }

    private static void CheckMeasurementShape(ForwardOperator op, Tensor x, Tensor y, string path)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var expected = op.Apply(zeros_like(x)).shape;
        if (!expected.SequenceEqual(y.shape))
            throw new CliInputException($"--measurement {path}: shape {TensorFiles.ShapeText(y.shape)}, but {op.Task} of --x-start gives {TensorFiles.ShapeText(expected)}");
    }

    private static int RestorePhoto(Everyday request, OperatorSettings settings, SpgdOptions options, Func<IDenoiser> createDenoiser,
        Func<Lpips?> createLpips, Device device, CancellationToken ct)
    {
        using var clean = ImageIO.Load(request.Photo, request.Size);
        TensorFiles.PrepareOutputDirectory(request.OutDir, "--out");
        using var metricSet = new MetricSet(createLpips());
        var denoiser = createDenoiser();
        using var owned = denoiser as IDisposable;
        Console.WriteLine($"restoring {request.Photo} ({request.Size}×{request.Size}): {settings.CanonicalTask}, σ_y {settings.NoiseSigma.ToString(CultureInfo.InvariantCulture)}, " +
                          $"{denoiser.Description}, T {options.Steps} × N {options.Warmup}, seed {request.Seed}");
        var restorer = new Restorer(denoiser, device);
        using var result = restorer.Restore(new RestorationRequest(clean, settings, options, request.Seed),
            step => Console.WriteLine(FormattableString.Invariant($"  step {step.Step + 1,3}/{step.TotalSteps}  σ {step.Sigma,9:0.0000}  loss {step.Loss:0.####e+0}")), ct);
        using var restored = result.Restored.clamp(-1, 1);

        ImageIO.SavePng(clean, Path.Combine(request.OutDir, "ground_truth.png"));
        ImageIO.SavePng(restored, Path.Combine(request.OutDir, "restored.png"));
        TensorFiles.Write(Path.Combine(request.OutDir, "measurement.npy"), result.Measurement, "--out");
        // A phase-retrieval measurement is a Fourier magnitude, not a picture: it is kept as .npy only.
        if (settings.CanonicalTask != TaskNames.PhaseRetrieval)
            ImageIO.SavePng(result.Measurement, Path.Combine(request.OutDir, "measurement.png"));

        var m = metricSet.Compute(clean, restored)[0];
        WriteMetricsJson(Path.Combine(request.OutDir, "metrics.json"), request, settings, m, result.NetworkEvaluations);
        var table = new Table().AddColumn("metric").AddColumn("value");
        table.AddRow("PSNR (dB)", m.Psnr.ToString("0.00", CultureInfo.InvariantCulture));
        table.AddRow("SSIM", m.Ssim.ToString("0.0000", CultureInfo.InvariantCulture));
        table.AddRow("LPIPS", m.Lpips?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "n/a (give --lpips-vgg and --lpips-lin)");
        table.AddRow("network evaluations", result.NetworkEvaluations.ToString(CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        Console.WriteLine($"wrote {Path.Combine(request.OutDir, "restored.png")}");
        return 0;
    }

    private static void WriteMetricsJson(string path, Everyday request, OperatorSettings settings, ImageMetrics m, long evaluations)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("image", request.Photo);
        json.WriteString("task", settings.CanonicalTask);
        json.WriteNumber("seed", request.Seed);
        json.WriteNumber("psnr", m.Psnr);
        json.WriteNumber("ssim", m.Ssim);
        if (m.Lpips is { } lpips) json.WriteNumber("lpips", lpips); else json.WriteNull("lpips");
        json.WriteNumber("network_evaluations", evaluations);
        json.WriteEndObject();
    }

    // The two forms take disjoint inputs; mixing them is an error rather than a silent choice.
    private static void CheckForm(CommandResult r, Option image, Option outDir, Option[] lowLevel, Option[] everyday)
    {
        static bool Given(CommandResult r, Option o) => r.GetResult(o) is { Implicit: false };
        static string Names(IEnumerable<Option> os) => string.Join(", ", os.Select(o => o.Name));
        if (Given(r, image))
        {
            var mixed = lowLevel.Where(o => Given(r, o)).ToList();
            if (mixed.Count > 0) r.AddError($"--image (everyday form) excludes {Names(mixed)} (low-level form)");
            else if (!Given(r, outDir)) r.AddError("--image needs --out DIR for the results");
        }
        else
        {
            var missing = lowLevel.Where(o => !Given(r, o)).ToList();
            var mixed = everyday.Where(o => Given(r, o)).ToList();
            if (mixed.Count > 0) r.AddError($"{Names(mixed)} belong to the everyday form (--image)");
            else if (missing.Count > 0) r.AddError($"give --image PHOTO --out DIR, or {Names(lowLevel)} (missing {Names(missing)})");
        }
    }

    private static CancellationTokenSource CancelOnCtrlC()
    {
        var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // let the sampler stop at its next check and the command report "cancelled"
            try { cts.Cancel(); } catch (ObjectDisposedException) { }
        };
        return cts;
    }
}
