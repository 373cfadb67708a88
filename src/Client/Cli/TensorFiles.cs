using Spgd.Core.Arrays;
using static TorchSharp.torch;

namespace Spgd.Client.Cli;

/// <summary>Reads and writes the commands' <c>.npy</c> inputs and outputs, checking shapes against what the command needs.</summary>
public static class TensorFiles
{
    /// <summary>Reads an image batch: NCHW, or a single CHW image (made a batch of one).</summary>
    /// <param name="path">The <c>.npy</c> file.</param>
    /// <param name="option">The option that named it, for messages.</param>
    public static Tensor ReadImages(string path, string option)
    {
        var array = ReadArray(path, option);
        if (array.Shape.Length is not (3 or 4))
            throw new CliInputException($"{option} {path}: expected an image batch of shape (N, C, H, W) or (C, H, W), got {ShapeText(array.Shape)}");
        var t = array.ToTensor();
        return array.Shape.Length == 3 ? t.unsqueeze(0) : t;
    }

    /// <summary>Reads any array, prefixing format errors with the option that named the file.</summary>
    public static NpyArray ReadArray(string path, string option)
    {
        try
        {
            return NpyFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new CliInputException($"{option}: {e.Message}");
        }
    }

    /// <summary>Writes a tensor as float32 <c>.npy</c>.</summary>
    public static void Write(string path, Tensor t) => NpyFile.Write(path, NpyArray.FromTensor(t));

    /// <summary>"(2, 3, 64, 64)".</summary>
    public static string ShapeText(IEnumerable<long> shape) => "(" + string.Join(", ", shape) + ")";
}
