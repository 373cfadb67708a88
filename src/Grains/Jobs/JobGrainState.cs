using Spgd.Contracts.Jobs;

namespace Spgd.Grains.Jobs;

/// <summary>What a job is: written once at submission (the data set listing can be large, so it is kept apart from progress).</summary>
[GenerateSerializer]
public sealed class JobDefinitionState
{
    /// <summary>The job definition; null before submission.</summary>
    [Id(0)] public JobDefinition? Definition { get; set; }

    /// <summary>Image ids, in data set order.</summary>
    [Id(1)] public string[] ImageIds { get; set; } = [];

    /// <summary>Image sources (file names or demo indices), same order.</summary>
    [Id(2)] public string[] ImageSources { get; set; } = [];

    /// <summary>Submission time.</summary>
    [Id(3)] public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>The digest of the data set manifest built at submission (<c>summary/manifest.json</c>).</summary>
    [Id(4)] public string? ManifestDigest { get; set; }

    /// <summary>The digest of the resolved definition (<see cref="JobBinding.SpecDigest"/>): a resubmission of the id must match it.</summary>
    [Id(5)] public string? SpecDigest { get; set; }
}

/// <summary>
/// How far a job got: one status byte and one attempt byte per item, so 20,000 items cost 40 kB and
/// no per-item objects. Leases and retry times are not persisted: a resumed job grants dispatched items
/// a fresh lease and retries without waiting.
/// </summary>
[GenerateSerializer]
public sealed class JobProgressState
{
    /// <summary>Per item: <see cref="ItemState"/> as a byte.</summary>
    [Id(0)] public byte[] Status { get; set; } = [];

    /// <summary>Per item: attempts dispatched so far.</summary>
    [Id(1)] public byte[] Attempts { get; set; } = [];

    /// <summary>Job state.</summary>
    [Id(2)] public JobState State { get; set; }

    /// <summary>End time.</summary>
    [Id(3)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Attempts put back for a retry.</summary>
    [Id(4)] public int Retries { get; set; }

    /// <summary>Why the job failed as a whole.</summary>
    [Id(5)] public string? Error { get; set; }
}
