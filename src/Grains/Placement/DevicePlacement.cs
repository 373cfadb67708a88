using Orleans.Placement;

namespace Spgd.Grains.Placement;

/// <summary>Places activations only on silos that declared a compute device, preferring free slots.</summary>
[Serializable, GenerateSerializer, Immutable]
public sealed class DevicePlacementStrategy : PlacementStrategy
{
    /// <summary>The shared instance.</summary>
    public static DevicePlacementStrategy Instance { get; } = new();
}

/// <summary>Marks a grain class for <see cref="DevicePlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class DevicePlacementAttribute() : PlacementAttribute(DevicePlacementStrategy.Instance);
