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
/// denoiser and the item's derived seed (<see cref="ItemSeed.Derive"/>), measures it and returns the restored PNG
/// for the item's deterministic key (the executor stores it; a retry overwrites identical bytes). Items with the same
/// <see cref="CoreBatchKey"/> can run as one batch (<see cref="Restorer.RestoreBatch"/>), each with its own seed.
/// </summary>
/// <param name="models">The shared denoisers.</param>
/// <param name="metrics">Measures restorations.</param>
/// <param name="blobImages">Reads blob data sets' images (checked against the job's manifest); null: this runner reads folders and demo images only.</param>
/// <param name="roots">The silo's data roots: a folder image or checkpoint outside them is not read (the job's silo checked
/// its own roots at submission; this silo's may differ). Null: unconfined.</param>
/// <param name="checkpoints">Fetches blob checkpoints (<c>checkpoint_blob</c>) into this silo's cache; null: only file checkpoints load.</param>
public sealed class CoreWorkItemRunner(DenoiserCache models, IRestorationMetrics metrics, Datasets.BlobImageReader? blobImages = null,
    Datasets.DataRoots? roots = null, BlobCheckpointCache? checkpoints = null) : IBatchWorkItemRunner
{
    /// <inheritdoc />
    public RunResult Run(WorkItem item, string device, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        var prepared = Prepare(item);
        var restorer = new Restorer(LoadModel(item, device), new Device(device));
        var settings = item.Settings;
        using var trace = settings.Save.StepTraces ? new Core.Diagnostics.StepTrace(prepared.Clean.dim() == 3 ? prepared.Clean.unsqueeze(0) : prepared.Clean) : null;
        using var result = restorer.Restore(prepared.Request, trace is null ? null : trace.OnStep, cancellationToken, trace);
        var run = Finish(item, prepared, result);
        return trace is null ? run : run with
        {
            Outputs = [.. run.Outputs!, new ItemOutput(ItemKeys.StepsJson(item.JobId, item.ItemId), System.Text.Encoding.UTF8.GetBytes(trace.ToJson()))],
        };
    }

    /// <inheritdoc />
    /// <remarks>Items that record step traces, or whose settings do not parse, run alone (null).</remarks>
    public object? BatchKey(WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Settings.Save.StepTraces) return null;
        try
        {
            var (_, op, sampler) = Settings(item);
            // A baseline draws its own noise per item (seeded from the item), so its items run alone.
            if (Core.Sampling.BaselineSamplers.NameOf(sampler.Algorithm) is not null) return null;
            return new CoreBatchKey(item.Settings.Model, item.Settings.Dataset.Size, op, sampler);
        }
        catch (DeterministicItemException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Each item is validated and its image loaded first, so a bad item fails alone and the rest form the batch. If the
    /// batched restoration throws (e.g. one item diverges), the items run again one by one, so the failure is attributed
    /// to the item that causes it and the others succeed.
    /// </remarks>
    public IReadOnlyList<ItemRunOutcome> RunBatch(IReadOnlyList<WorkItem> items, string device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var outcomes = new ItemRunOutcome?[items.Count];
        using var scope = NewDisposeScope();
        var ready = new List<(int Index, PreparedItem Item)>();
        for (var k = 0; k < items.Count; k++)
        {
            try { ready.Add((k, Prepare(items[k]))); }
            catch (Exception e) when (e is not OperationCanceledException) { outcomes[k] = ItemRunOutcome.Failed(e); }
        }

        IReadOnlyList<RestorationResult>? results = null;
        if (ready.Count > 1)
        {
            try
            {
                var restorer = new Restorer(LoadModel(items[ready[0].Index], device), new Device(device));
                results = restorer.RestoreBatch(ready.Select(r => r.Item.Request).ToList(), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
            catch (Exception)
            {
                // Fall through to one by one: a deterministic failure is then its item's alone, and is not retried for the others.
            }
        }

        if (results is null)
        {
            foreach (var (k, _) in ready) outcomes[k] = RunAlone(items[k], device, cancellationToken);
            return outcomes.Select(o => o!).ToArray();
        }

        try
        {
            for (var r = 0; r < ready.Count; r++)
            {
                var (k, prepared) = ready[r];
                try { outcomes[k] = ItemRunOutcome.Succeeded(Finish(items[k], prepared, results[r])); }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested) { outcomes[k] = ItemRunOutcome.Failed(e); }
            }
        }
        finally
        {
            foreach (var result in results) result.Dispose();
        }
        return outcomes.Select(o => o!).ToArray();
    }

    private ItemRunOutcome RunAlone(WorkItem item, string device, CancellationToken cancellationToken)
    {
        try { return ItemRunOutcome.Succeeded(Run(item, device, cancellationToken)); }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
        catch (Exception e) { return ItemRunOutcome.Failed(e); }
    }

    /// <summary>An item ready to restore: its settings, seed and clean image (owned by the caller's dispose scope).</summary>
    private sealed record PreparedItem(RestorationRequest Request, Tensor Clean);

    // The job resolved the item's recipe once; here it is only translated into Core's types.
    private static (Contracts.Recipes.TaskRecipe Recipe, Core.Operators.OperatorSettings Op, Core.Sampling.SpgdOptions Sampler) Settings(WorkItem item)
    {
        var recipe = item.Recipe ?? throw new DeterministicItemException($"Item {item.ItemId}: it carries no resolved settings (recipe).");
        // A sweep may pair a baseline with a task it cannot run: that item fails alone, once, with the reason (the same
        // words for every such item, so the job's failure summary groups them).
        if (Core.Sampling.BaselineSamplers.AlgorithmOf(recipe.Algorithm) is not null && Core.Sampling.BaselineSamplers.Refusal(recipe.Algorithm, recipe.Task) is { } why)
            throw new DeterministicItemException($"sampler {recipe.Algorithm} cannot run {recipe.Task}: {why}");
        try
        {
            return (recipe, CoreSettings.ToOperator(recipe), CoreSettings.ToSampler(recipe));
        }
        catch (ArgumentException e)
        {
            throw new DeterministicItemException($"Item {item.ItemId}: {e.Message}", e);
        }
    }

    private PreparedItem Prepare(WorkItem item)
    {
        var settings = item.Settings;
        var (_, op, sampler) = Settings(item);
        var seed = ItemSeed.Derive(settings.Seed, item.ImageId, item.Task, item.Run);
        var clean = LoadImage(item);
        return new PreparedItem(new RestorationRequest(clean, op, sampler, seed), clean);
    }

    // Measures the restoration and encodes its outputs; the executor stores them off the device thread.
    private RunResult Finish(WorkItem item, PreparedItem prepared, RestorationResult result)
    {
        using var scope = NewDisposeScope();
        var clean = prepared.Clean;
        var restored = result.Restored.clamp(-1, 1);
        var measured = metrics.Measure(clean, restored);
        var outputs = new List<ItemOutput> { new(ItemKeys.RestoredPng(item.JobId, item.ItemId), ImageIO.EncodePng(restored)) };
        if (item.Settings.Save.Measurements)
        {
            outputs.Add(new(ItemKeys.CleanPng(item.JobId, item.ItemId), ImageIO.EncodePng(clean)));
            if (MeasurementImage.ToImageSpace(result.Measurement, clean, prepared.Request.Operator.CanonicalTask) is { } shown)
                outputs.Add(new(ItemKeys.MeasurementPng(item.JobId, item.ItemId), ImageIO.EncodePng(shown)));
        }
        return new RunResult(measured, (int)result.NetworkEvaluations, prepared.Request.Seed, outputs);
    }

    // A checkpoint that is missing, not a checkpoint, or of another architecture fails every attempt alike:
    // recorded once per item with the loader's reason, never retried (the cache keeps the failure, so it is not re-read).
    private IDenoiser LoadModel(WorkItem item, string device)
    {
        var model = item.Settings.Model;
        // A blob checkpoint is fetched into this silo's own cache, which no data root confines.
        foreach (var path in new[] { model.CheckpointBlob is null ? model.Checkpoint : null, model.Config })
            if (path is not null && roots is not null && !roots.Allows(path, roots.ModelRoot))
                throw new DeterministicItemException($"Model {model.Kind}: '{path}' is outside this silo's data roots; not read.");
        try
        {
            if (model.CheckpointBlob is not null)
                model = model with { Checkpoint = (checkpoints ?? throw new ArgumentException("this silo has no job store to fetch blob checkpoints from")).Resolve(item) };
            return models.Get(model, device);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or FormatException or ArgumentException
                                       or Core.Checkpoints.StateDictMismatchException)
        {
            throw new DeterministicItemException($"Model {model.Kind} ({model.Checkpoint ?? "no checkpoint"}): {e.Message}", e);
        }
    }

    // A file that does not decode is the item's own fault: recorded once, never retried.
    private Tensor LoadImage(WorkItem item)
    {
        var dataset = item.Settings.Dataset;
        if (dataset.Kind == DatasetKind.SpectralDemo)
            return DemoImages.Load(int.Parse(item.ImageSource, System.Globalization.CultureInfo.InvariantCulture), dataset.Size);
        if (dataset.Kind == DatasetKind.Blob)
        {
            var reader = blobImages ?? throw new DeterministicItemException($"Item {item.ItemId}: this silo cannot read blob data sets.");
            try
            {
                return ImageIO.Decode(reader.Read(item), dataset.Size, dataset.BlobPrefix + item.ImageSource);
            }
            catch (InvalidDataException e)
            {
                throw new DeterministicItemException(e.Message, e);
            }
        }

        var path = Path.Combine(dataset.Path!, item.ImageSource);
        if (roots is not null && !roots.Allows(path))
            throw new DeterministicItemException($"Image '{path}' is outside this silo's data roots; not read.");
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
