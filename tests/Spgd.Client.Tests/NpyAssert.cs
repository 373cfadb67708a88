using Spgd.Core.Arrays;

namespace Spgd.Client.Tests;

internal static class NpyAssert
{
    /// <summary>Asserts equal shapes and ‖actual − expected‖/‖expected‖ below <paramref name="tolerance"/>; returns the error.</summary>
    public static double RelativeL2Below(string expectedPath, string actualPath, double tolerance)
    {
        Assert.True(File.Exists(actualPath), $"{actualPath} was not written");
        var expected = NpyFile.Read(expectedPath);
        var actual = NpyFile.Read(actualPath);
        Assert.Equal(expected.Shape, actual.Shape);
        double diff = 0, norm = 0;
        for (long i = 0; i < expected.Data.LongLength; i++)
        {
            double d = actual.Data[i] - (double)expected.Data[i];
            diff += d * d;
            norm += (double)expected.Data[i] * expected.Data[i];
        }
        double error = Math.Sqrt(diff / norm);
        Assert.True(error < tolerance, $"relative L2 error {error:E3} of {actualPath} vs {expectedPath} exceeds {tolerance:E1}");
        return error;
    }
}
