using static TorchSharp.torch;

namespace Spgd.Core.Checkpoints;

/// <summary>Copies a checkpoint into a module's parameters and buffers with a strict check of keys and shapes.</summary>
public static class StateDictLoader
{
    /// <summary>
    /// Checks that <paramref name="checkpoint"/> has exactly the module's keys with the same shapes (before reading
    /// any data), then copies tensor by tensor into the module's existing tensors (any device; converted to their
    /// dtype), so at most one checkpoint tensor is in memory at a time besides the model.
    /// </summary>
    /// <exception cref="StateDictMismatchException">Missing or unexpected keys, or shape mismatches; all are listed.</exception>
    public static void LoadStrict(nn.Module module, CheckpointFile checkpoint)
    {
        var own = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, p) in module.named_parameters()) own[name] = p;
        foreach (var (name, b) in module.named_buffers()) own[name] = b;

        var missing = own.Keys.Where(k => !checkpoint.Contains(k)).ToList();
        var unexpected = checkpoint.Tensors.Select(t => t.Key).Where(k => !own.ContainsKey(k)).ToList();
        var shapes = checkpoint.Tensors
            .Where(t => own.TryGetValue(t.Key, out var target) && !target.shape.SequenceEqual(t.Shape))
            .Select(t => new ShapeMismatch(t.Key, own[t.Key].shape, t.Shape))
            .ToList();
        if (missing.Count + unexpected.Count + shapes.Count > 0)
            throw new StateDictMismatchException(checkpoint.Path, missing, unexpected, shapes);

        using var noGrad = no_grad();
        foreach (var info in checkpoint.Tensors)
        {
            using var source = checkpoint.Read(info.Key);
            own[info.Key].copy_(source);
        }
    }
}
