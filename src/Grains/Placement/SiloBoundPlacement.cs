using Orleans.Placement;

namespace Spgd.Grains.Placement;

/// <summary>Places a grain keyed by a silo address on that silo, and nowhere else (a grain that stands for the silo).</summary>
[Serializable, GenerateSerializer, Immutable]
public sealed class SiloBoundPlacementStrategy : PlacementStrategy
{
    /// <summary>The shared instance.</summary>
    public static SiloBoundPlacementStrategy Instance { get; } = new();
}

/// <summary>Marks a grain class for <see cref="SiloBoundPlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SiloBoundPlacementAttribute() : PlacementAttribute(SiloBoundPlacementStrategy.Instance);
