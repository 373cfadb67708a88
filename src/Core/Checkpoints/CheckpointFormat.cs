namespace Spgd.Core.Checkpoints;

/// <summary>The on-disk layouts <see cref="CheckpointReader"/> understands.</summary>
public enum CheckpointFormat
{
    /// <summary><c>torch.save</c> since PyTorch 1.6: a zip of <c>data.pkl</c> plus one entry per storage.</summary>
    TorchZip,

    /// <summary><c>torch.save(..., _use_new_zipfile_serialization=False)</c>: pickles followed by raw storages.</summary>
    TorchLegacy,

    /// <summary>Hugging Face safetensors: 8-byte header length, JSON header, raw little-endian data.</summary>
    Safetensors,
}
