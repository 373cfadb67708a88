namespace Spgd.Reporting.Records;

/// <summary>What a report says about the job itself.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Spec">The job's spec as submitted (YAML or JSON text), or null when not stored.</param>
/// <param name="Facts">Software version, machine and device facts recorded with the job (name → value).</param>
public sealed record JobFacts(string JobId, string? Spec, IReadOnlyDictionary<string, string> Facts);
