namespace Spgd.Grains;

/// <summary>Names shared by the grains and the silo configuration.</summary>
public static class SpgdStorage
{
    /// <summary>Grain storage provider used by jobs, aggregators and the job index.</summary>
    public const string GrainStorageName = "spgd";
}
