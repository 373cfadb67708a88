using static TorchSharp.torch;

namespace Spgd.Core.Runtime;

/// <summary>
/// Lifetime of the input gradient a TorchSharp custom autograd node returns from its backward. Its handle must outlive
/// the return (the engine copies it afterwards) but not the whole backward pass, or every node's gradient would stay
/// alive until the caller's dispose scope ends; the next custom node's backward on the thread releases it.
/// </summary>
internal static class ReturnedGradient
{
    [ThreadStatic] private static Tensor? s_current;

    /// <summary>Releases the handle the previous backward on this thread returned (the engine holds its own by now).</summary>
    public static void ReleasePrevious()
    {
        s_current?.Dispose();
        s_current = null;
    }

    /// <summary>Keeps <paramref name="gradient"/>'s handle until the next backward on this thread, and returns it.</summary>
    public static Tensor Hand(Tensor gradient)
    {
        ReleasePrevious();
        s_current = gradient;
        return gradient;
    }
}
