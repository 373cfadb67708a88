using System.Net;
using Spgd.Grains.Placement;

namespace Spgd.Cluster.Tests.Placement;

/// <summary>A grain keyed by a silo address goes to that silo or nowhere.</summary>
public sealed class SiloBoundPlacementTests
{
    private static readonly SiloAddress A = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress B = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);

    [Fact]
    public void The_silo_named_by_the_key_is_chosen()
    {
        Assert.Equal(B, SiloBoundPlacementDirector.Choose(B.ToParsableString(), [A, B]));
    }

    [Fact]
    public void A_silo_that_is_not_active_or_a_key_that_is_no_address_places_nowhere()
    {
        Assert.Null(SiloBoundPlacementDirector.Choose(B.ToParsableString(), [A]));
        // The same endpoint restarted is another silo (another generation): the old one's grain is not placed on it.
        Assert.Null(SiloBoundPlacementDirector.Choose(SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 2).ToParsableString(), [A, B]));
        Assert.Null(SiloBoundPlacementDirector.Choose("not-a-silo", [A, B]));
    }
}
