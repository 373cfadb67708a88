namespace Spgd.Cluster.Tests.Infrastructure;

/// <summary>Test clusters run one at a time: on a 2-core machine parallel clusters starve each other's leases.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection
{
    public const string Name = "In-process clusters";
}
