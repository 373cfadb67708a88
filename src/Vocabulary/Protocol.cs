namespace Spgd.Vocabulary;

/// <summary>
/// The paper's evaluation protocols by name (Table 1: T = 100, N = 5, β = 0.95, σ_y = 0.01, ADM on, Table 5's learning
/// rate per task). A job naming one takes these values for every setting its spec leaves out.
/// </summary>
public sealed record Protocol(string Name, int Steps, int Warmup, double Beta, double NoiseSigma, Func<string, double> LearningRate)
{
    /// <summary>FFHQ 256: Table 1 with Table 5's FFHQ learning rates.</summary>
    public static Protocol SpgdFfhq { get; } = new("spgd-ffhq", 100, SamplerDefaults.Warmup, SamplerDefaults.PaperBeta, SamplerDefaults.NoiseSigma, TaskLearningRates.FfhqFor);

    /// <summary>ImageNet 256: Table 1 with Table 5's ImageNet learning rates.</summary>
    public static Protocol SpgdImageNet { get; } = new("spgd-imagenet", 100, SamplerDefaults.Warmup, SamplerDefaults.PaperBeta, SamplerDefaults.NoiseSigma, TaskLearningRates.ImageNetFor);

    /// <summary>Every protocol.</summary>
    public static IReadOnlyList<Protocol> All { get; } = [SpgdFfhq, SpgdImageNet];

    /// <summary>The protocol of that name (case-insensitive), or null.</summary>
    public static Protocol? Find(string? name) =>
        name is null ? null : All.FirstOrDefault(p => string.Equals(p.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>"spgd-ffhq, spgd-imagenet": for error messages.</summary>
    public static string Names => string.Join(", ", All.Select(p => p.Name));
}
