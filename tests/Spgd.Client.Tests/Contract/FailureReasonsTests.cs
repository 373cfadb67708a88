using System.Text;
using Spgd.Client.Cluster;

namespace Spgd.Client.Tests.Contract;

/// <summary>The console's "why did items fail": reasons counted, most common first, the rest counted.</summary>
public sealed class FailureReasonsTests
{
    private static byte[] Record(string? error) =>
        Encoding.UTF8.GetBytes(error is null ? """{"kind":"FailedDeterministic"}""" : $$"""{"kind":"FailedDeterministic","error":{{System.Text.Json.JsonSerializer.Serialize(error)}}}""");

    [Fact]
    public void Reasons_are_counted_most_common_first_with_first_lines_only()
    {
        var reasons = FailureReasons.Count([
            Record("bad checkpoint"), Record("tiny.png: image is 1×1"), Record("bad checkpoint"),
            Record("libtorch failed\n  at frame 1\n  at frame 2"), null, Encoding.UTF8.GetBytes("{ truncated"), Record(null),
        ]);
        Assert.Equal(("bad checkpoint", 2), reasons[0]);
        Assert.Contains(("libtorch failed", 1), reasons);
        Assert.Contains(("no record stored", 1), reasons);
        Assert.Contains(("record unreadable", 1), reasons);
        Assert.Contains(("no reason recorded", 1), reasons);
        Assert.Equal(6, reasons.Count);
        Assert.Equal("2× bad checkpoint; 1× libtorch failed; 1× no reason recorded; and 3 more reason(s)", FailureReasons.Describe(reasons));
    }
}
