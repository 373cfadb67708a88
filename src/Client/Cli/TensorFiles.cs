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

    /// <summary>Checks, before any work, that <paramref name="path"/> can be an output file: creates its folder and
    /// rejects an existing directory, so a long run does not fail only at the end.</summary>
    public static void PrepareOutputFile(string path, string option)
    {
        if (Directory.Exists(path)) throw new CliInputException($"{option} {path}: is a directory, expected a file path");
        PrepareOutputDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!, option);
    }

    /// <summary>Creates the output folder <paramref name="path"/> up front, reporting failure with the option that named it.</summary>
    public static void PrepareOutputDirectory(string path, string option)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{option} {path}: cannot create the folder: {e.Message}");
        }
    }

    /// <summary>Writes a tensor as float32 <c>.npy</c>; a path that cannot be written is reported with the option that named it.</summary>
    public static void Write(string path, Tensor t, string option)
    {
        var array = NpyArray.FromTensor(t);
        try
        {
            NpyFile.Write(path, array);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{option} {path}: cannot write: {e.Message}");
        }
    }

    /// <summary>"(2, 3, 64, 64)".</summary>
    public static string ShapeText(IEnumerable<long> shape) => "(" + string.Join(", ", shape) + ")";
}
