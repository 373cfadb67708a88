using System.Collections.Concurrent;
using Spgd.Core.Models.Bkse;
using static TorchSharp.torch;

namespace Spgd.Core.Operators;

/// <summary>
/// Loaded KernelWizard networks, one per (checkpoint file version, options, device), shared by every nonlinear-blur
/// operator of the process: the published model has about 100 M parameters, too many to load per item. The networks
/// are frozen and only read, so concurrent operators may share one.
/// </summary>
public sealed class KernelWizardCache
{
    private readonly ConcurrentDictionary<(string Path, DateTime Written, long Length, KernelWizardOptions Options, string Device), Lazy<KernelWizard>> _networks = new();

    /// <summary>The process-wide cache.</summary>
    public static KernelWizardCache Shared { get; } = new();

    /// <summary>The network for <paramref name="checkpoint"/> on <paramref name="device"/>, loading it on first use.</summary>
    /// <exception cref="FileNotFoundException">No such checkpoint.</exception>
    /// <exception cref="Checkpoints.StateDictMismatchException">The checkpoint does not fit the options.</exception>
    public KernelWizard Get(KernelWizardOptions options, string checkpoint, Device device)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(device);
        var file = new FileInfo(checkpoint);
        if (!file.Exists) throw new FileNotFoundException($"KernelWizard checkpoint not found: {checkpoint}", checkpoint);
        var key = (file.FullName, file.LastWriteTimeUtc, file.Length, options, device.ToString());
        var lazy = _networks.GetOrAdd(key, _ => new Lazy<KernelWizard>(() => KernelWizard.Load(options, file.FullName, device)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _networks.TryRemove(new KeyValuePair<(string, DateTime, long, KernelWizardOptions, string), Lazy<KernelWizard>>(key, lazy)); // a failed load is not cached
            throw;
        }
    }
}
