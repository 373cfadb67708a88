using Orleans.Placement;

namespace Spgd.Grains.Placement;

/// <summary>
/// Places coordination grains (jobs, aggregators, registries) on silos without a device when there
/// are any, so they never compete with restoration work; otherwise on any silo.
/// </summary>
[Serializable, GenerateSerializer, Immutable]
public sealed class ControlPlanePlacementStrategy : PlacementStrategy
{
    /// <summary>The shared instance.</summary>
    public static ControlPlanePlacementStrategy Instance { get; } = new();
}

/// <summary>Marks a grain class for <see cref="ControlPlanePlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ControlPlanePlacementAttribute() : PlacementAttribute(ControlPlanePlacementStrategy.Instance);
