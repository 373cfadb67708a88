using System.Text.Json;
using Spgd.Contracts.Jobs;
using Spgd.Core.Denoising;
using Spgd.Core.Imaging;
using Spgd.Core.Restoration;
using Spgd.Grains.Devices;
using Spgd.Storage;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Grains.Restoration;

/// <summary>
/// Runs an item with Core: loads the image (data set file or demo sample), restores it with the shared
/// denoiser and the item's derived seed (<see cref="ItemSeed.Derive"/>), measures it and writes the
/// restored PNG to the item's deterministic key (a retry overwrites identical bytes).
/// </summary>
public sealed class CoreWorkItemRunner(DenoiserCache models, IRestorationMetrics metrics, IBlobStore store) : IWorkItemRunner
{
    /// <inheritdoc />
    public RunResult Run(WorkItem item, string device, CancellationToken cancellationToken)
    {
        var settings = item.Settings;
        var task = settings.Tasks.FirstOrDefault(t => t.Name == item.Task)
            ?? throw new DeterministicItemException($"Item {item.ItemId}: task {item.Task} is not part of the job.");
        var seed = ItemSeed.Derive(settings.Seed, item.ImageId, item.Task, item.Run);

        using var scope = NewDisposeScope();
        var clean = LoadImage(item);
        Core.Operators.OperatorSettings op;
        Core.Sampling.SpgdOptions sampler;
        try
        {
            op = CoreSettings.ToOperator(task);
            sampler = CoreSettings.ToSampler(task.Sampler ?? settings.Sampler);
            // A sweep's grid point replaces the swept settings; the rest (σ range, lr decay) stays the task's.
            if (item.Point is { } point) sampler = Sweeps.GridPointOptions.ToSpgdOptions(point, sampler);
        }
        catch (ArgumentException e)
        {
            throw new DeterministicItemException($"Item {item.ItemId}: {e.Message}", e);
        }

        var restorer = new Restorer(LoadModel(item, device), new Device(device));
        using var trace = settings.Save.StepTraces ? new Core.Diagnostics.StepTrace(clean.dim() == 3 ? clean.unsqueeze(0) : clean) : null;
        using var result = restorer.Restore(new RestorationRequest(clean, op, sampler, seed), trace is null ? null : trace.OnStep, cancellationToken, trace);
        var restored = result.Restored.clamp(-1, 1);
        var measured = metrics.Measure(clean, restored);
        Put(ItemKeys.RestoredPng(item.JobId, item.ItemId), ImageIO.EncodePng(restored), cancellationToken);
        if (settings.Save.Measurements)
        {
            Put(ItemKeys.CleanPng(item.JobId, item.ItemId), ImageIO.EncodePng(clean), cancellationToken);
            if (MeasurementImage.ToImageSpace(result.Measurement, clean, op.CanonicalTask) is { } shown)
                Put(ItemKeys.MeasurementPng(item.JobId, item.ItemId), ImageIO.EncodePng(shown), cancellationToken);
        }

        if (trace is not null) Put(ItemKeys.StepsJson(item.JobId, item.ItemId), System.Text.Encoding.UTF8.GetBytes(trace.ToJson()), cancellationToken);
        return new RunResult(measured, (int)result.NetworkEvaluations, seed);
    }

    private void Put(string key, byte[] bytes, CancellationToken cancellationToken) =>
        store.PutAsync(key, bytes, cancellationToken: cancellationToken).GetAwaiter().GetResult();

    // A checkpoint that is missing, not a checkpoint, or of another architecture fails every attempt alike:
    // recorded once per item with the loader's reason, never retried (the cache keeps the failure, so it is not re-read).
    private IDenoiser LoadModel(WorkItem item, string device)
    {
        var model = item.Settings.Model;
        try
        {
            return models.Get(model, device);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or FormatException or ArgumentException
                                       or Core.Checkpoints.StateDictMismatchException)
        {
            throw new DeterministicItemException($"Model {model.Kind} ({model.Checkpoint ?? "no checkpoint"}): {e.Message}", e);
        }
    }

    // A file that does not decode is the item's own fault: recorded once, never retried.
    private static Tensor LoadImage(WorkItem item)
    {
        var dataset = item.Settings.Dataset;
        if (dataset.Kind == DatasetKind.SpectralDemo)
            return DemoImages.Load(int.Parse(item.ImageSource, System.Globalization.CultureInfo.InvariantCulture), dataset.Size);
        var path = Path.Combine(dataset.Path!, item.ImageSource);
        try
        {
            return ImageIO.Load(path, dataset.Size);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            throw new DeterministicItemException(e.Message, e);
        }
    }
}
