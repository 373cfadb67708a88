namespace Spgd.Cluster.Tests.Infrastructure;

/// <summary>Test classes in this collection share one Azurite instance (and do not run in parallel with each other).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
