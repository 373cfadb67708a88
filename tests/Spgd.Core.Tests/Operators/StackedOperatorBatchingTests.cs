using Spgd.Core.Operators;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Operators;

/// <summary>A stack of operators that apply the same A runs as one call; otherwise each item goes through its own part.</summary>
public class StackedOperatorBatchingTests
{
    private sealed class CountingOperator(bool same) : ForwardOperator
    {
        public int Calls { get; private set; }

        public override string Task => TaskNames.Hdr;

        public override Tensor Apply(Tensor x)
        {
            Calls++;
            return x * 2;
        }

        public override bool SameOperatorAs(ForwardOperator other) => same && other is CountingOperator;
    }

    [Theory]
    [InlineData(true, new[] { 1, 0, 0 })]
    [InlineData(false, new[] { 1, 1, 1 })]
    public void Same_parts_run_once_for_the_batch(bool same, int[] expectedCalls)
    {
        using var scope = NewDisposeScope();
        var parts = Enumerable.Range(0, 3).Select(_ => new CountingOperator(same)).ToList();
        var x = rand(3, 3, 8, 8);
        var y = new StackedOperator(parts).Apply(x);
        Assert.Equal(expectedCalls, parts.Select(p => p.Calls));
        Assert.True((y - x * 2).abs().max().item<float>() == 0);
    }
}
