using System.Net;
using Spgd.Grains.Placement;

namespace Spgd.Cluster.Tests;

/// <summary>The device placement choice: the reporting silo when the job names it, else the most free capacity.</summary>
public sealed class DevicePlacementTests
{
    private static readonly SiloAddress A = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress B = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);
    private static readonly SiloAddress C = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11113), 1);

    private static DevicePlacementDirector.Candidate Silo(SiloAddress address, string name, int slots, int free) => new(address, name, slots, free);

    [Fact]
    public void The_preferred_silo_wins_even_when_the_published_loads_call_it_busier()
    {
        var candidates = new[] { Silo(A, "a", 1, -1), Silo(B, "b", 1, 1), Silo(C, "c", 1, 0) };
        Assert.Equal(A, DevicePlacementDirector.Choose(candidates, "a", new Random(1)));
    }

    [Fact]
    public void Without_a_usable_preference_the_most_relative_free_capacity_wins()
    {
        // Relative free capacity: 2 of 4 slots (0.5) loses to 1 of 1 (1.0).
        var candidates = new[] { Silo(A, "a", 4, 2), Silo(B, "b", 1, 1), Silo(C, "c", 2, -1) };
        Assert.Equal(B, DevicePlacementDirector.Choose(candidates, null, new Random(1)));
        Assert.Equal(B, DevicePlacementDirector.Choose(candidates, "gone", new Random(1))); // a silo that left, or has no device
        Assert.Null(DevicePlacementDirector.Choose([], "a", new Random(1)));
    }

    [Fact]
    public void Ties_are_broken_at_random_across_all_tied_silos()
    {
        var candidates = new[] { Silo(A, "a", 1, 0), Silo(B, "b", 1, 0), Silo(C, "c", 1, -1) };
        var random = new Random(7);
        var chosen = Enumerable.Range(0, 200).Select(_ => DevicePlacementDirector.Choose(candidates, null, random)).ToList();
        Assert.Contains(A, chosen);
        Assert.Contains(B, chosen);
        Assert.DoesNotContain(C, chosen);
    }
}
