namespace Spgd.Core.Sampling;

/// <summary>Which published variant of SPGD a run follows.</summary>
public enum SpgdPreset
{
    /// <summary>The paper's algorithm: the warm-up steps along the ADM-smoothed gradient (unless <see cref="SpgdOptions.Adm"/> = false); β defaults to 0.95.</summary>
    Paper,

    /// <summary>Bit-for-bit the official code: it computes the ADM-smoothed gradient but steps along the raw one
    /// (so its output is ADM-free); β defaults to 0.9. <see cref="SpgdOptions.Adm"/> = true overrides that.</summary>
    Reference,
}
