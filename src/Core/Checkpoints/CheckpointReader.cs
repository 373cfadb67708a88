using static TorchSharp.torch;

namespace Spgd.Core.Checkpoints;

/// <summary>
/// Loads model weights written by PyTorch (<c>torch.save</c> of a state dict, zip or legacy format) or as
/// safetensors, without Python. The format is recognised from the file's first bytes, not its extension.
/// </summary>
public static class CheckpointReader
{
    /// <summary>Reads every tensor of a checkpoint's state dict into CPU tensors the caller owns: floating-point
    /// tensors as float32 (float16/bfloat16/float64 converted), integer tensors in their own type.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">Not a checkpoint, or a malformed/unsupported one; the message says which and where.</exception>
    public static Dictionary<string, Tensor> Load(string path)
    {
        using var file = Open(path);
        return file.ReadAll();
    }

    /// <summary>Opens a checkpoint, reading its structure but no tensor data: use this to copy weights into a model
    /// tensor by tensor (see <see cref="CheckpointFile"/>).</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">Not a checkpoint, or a malformed/unsupported one.</exception>
    public static CheckpointFile Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint file not found: {path}", path);
        var head = new byte[16];
        long length;
        int read;
        using (var probe = File.OpenRead(path))
        {
            length = probe.Length;
            read = probe.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        var start = head.AsSpan(0, read);
        if (start.StartsWith("PK\x03\x04"u8)) return TorchZipFormat.Open(path);
        if (read >= 2 && start[0] == 0x80 && start[1] <= 5) return TorchLegacyFormat.Open(path);
        if (SafetensorsFormat.Sniff(start, length)) return SafetensorsFormat.Open(path);
        throw new InvalidDataException(
            $"{path} is not a model checkpoint (expected a torch.save zip or pickle, or safetensors; it starts with {Convert.ToHexString(start[..Math.Min(read, 8)])}" +
            (read == 0 ? ", the file is empty)" : ")"));
    }

    /// <summary>Writes tensors as a safetensors file (handy for tests and for converting checkpoints once).</summary>
    public static void SaveSafetensors(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors) =>
        SafetensorsFormat.Write(path, tensors);
}
