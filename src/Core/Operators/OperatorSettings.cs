namespace Spgd.Core.Operators;

/// <summary>
/// A forward operator and its measurement noise, with the reference (SPGD/DPS configuration) defaults.
/// </summary>
/// <param name="Task">Task name; canonical or a reference alias (see <see cref="TaskNames"/>).</param>
/// <param name="NoiseSigma">
/// Measurement noise σ_y (in [-1, 1] image units). Default <see cref="SamplerDefaults.NoiseSigma"/>, the paper's 0.01.
/// </param>
public sealed record OperatorSettings(string Task, double NoiseSigma = SamplerDefaults.NoiseSigma)
{
    /// <summary>
    /// Fraction of pixels that random inpainting drops (floor(H·W·fraction) pixels are zeroed). Default 0.8, the
    /// value of SPGD's <c>inpainting_rand.yaml</c> (mask_prob_range [0.8, 0.8]); DPS draws it from [0.3, 0.7].
    /// </summary>
    public double DropFraction { get; init; } = 0.8;

    /// <summary>Side of the inpainting box in pixels; null means half the shorter image side (128 at 256, as the reference's mask_len_range [128, 129)).</summary>
    public int? BoxSize { get; init; }

    /// <summary>Margin of the box from the image edges; null means an eighth of the shorter side (32 at 256, the reference's margin).</summary>
    public int? BoxMargin { get; init; }

    /// <summary>Box location policy; <see cref="BoxPlacement.Random"/> as the reference.</summary>
    public BoxPlacement BoxPlacement { get; init; } = BoxPlacement.Random;

    /// <summary>Side of the blur kernels (odd). Default 61 as the reference.</summary>
    public int KernelSize { get; init; } = 61;

    /// <summary>Standard deviation of the Gaussian blur in pixels. Default 3.0 (the reference's <c>intensity</c>).</summary>
    public double GaussianStd { get; init; } = 3.0;

    /// <summary>Intensity of the motion-blur trajectory in [0, 1]. Default 0.5 as the reference.</summary>
    public double MotionIntensity { get; init; } = 0.5;

    /// <summary>Down-sampling factor of super-resolution. Default 4 as the reference.</summary>
    public int ScaleFactor { get; init; } = 4;

    /// <summary>Oversampling of phase retrieval: each side is zero-padded by floor(oversample/8·size). Default 2.0.</summary>
    public double Oversample { get; init; } = 2.0;

    /// <summary>Gain of HDR, y = clip(scale·x, −1, 1). Default 2 as the reference.</summary>
    public double HdrScale { get; init; } = 2.0;

    /// <summary>Optional .npy blur kernel (K×K, odd K) used instead of generating one (blur tasks only).</summary>
    public string? KernelPath { get; init; }

    /// <summary>Optional .npy inpainting mask (H×W, 1 keeps a pixel) used instead of generating one (inpainting tasks only).</summary>
    public string? MaskPath { get; init; }

    /// <summary>The trained network and kernel code of <see cref="TaskNames.NonlinearBlur"/> (that task only; required there).</summary>
    public NonlinearBlurSettings? NonlinearBlur { get; init; }

    /// <summary>The canonical task name (throws for unknown names, listing the valid ones).</summary>
    public string CanonicalTask => TaskNames.Normalize(Task);

    /// <summary>Every problem with these settings (empty when valid), each naming the setting, its value and what is expected.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        string? task = null;
        if (string.IsNullOrWhiteSpace(Task)) problems.Add("Task: missing; valid tasks: " + string.Join(", ", TaskNames.All));
        else
        {
            try { task = TaskNames.Normalize(Task); }
            catch (ArgumentException e) { problems.Add("Task: " + e.Message.Split(" (Parameter")[0]); }
        }
        if (!double.IsFinite(NoiseSigma) || NoiseSigma < 0) problems.Add($"NoiseSigma: {NoiseSigma} must be finite and >= 0");
        bool inpainting = task is TaskNames.InpaintingRandom or TaskNames.InpaintingBox;
        bool blur = task is TaskNames.GaussianBlur or TaskNames.MotionBlur;
        if (task == TaskNames.InpaintingRandom && !(DropFraction >= 0 && DropFraction < 1))
            problems.Add($"DropFraction: {DropFraction} must be in [0, 1)");
        if (task == TaskNames.InpaintingBox)
        {
            if (BoxSize is < 1) problems.Add($"BoxSize: {BoxSize} must be >= 1");
            if (BoxMargin is < 0) problems.Add($"BoxMargin: {BoxMargin} must be >= 0");
            if (!Enum.IsDefined(BoxPlacement)) problems.Add($"BoxPlacement: {BoxPlacement} is not Random or Center");
        }
        if (blur && KernelPath is null && (KernelSize < 1 || KernelSize % 2 == 0))
            problems.Add($"KernelSize: {KernelSize} must be a positive odd number");
        if (task == TaskNames.GaussianBlur && KernelPath is null && !(GaussianStd > 0 && double.IsFinite(GaussianStd)))
            problems.Add($"GaussianStd: {GaussianStd} must be > 0");
        if (task == TaskNames.MotionBlur && KernelPath is null && !(MotionIntensity >= 0 && MotionIntensity <= 1))
            problems.Add($"MotionIntensity: {MotionIntensity} must be in [0, 1]");
        if (task == TaskNames.SuperResolution && ScaleFactor < 1) problems.Add($"ScaleFactor: {ScaleFactor} must be >= 1");
        if (task == TaskNames.PhaseRetrieval && !(Oversample >= 0 && double.IsFinite(Oversample)))
            problems.Add($"Oversample: {Oversample} must be finite and >= 0");
        if (task == TaskNames.Hdr && !(HdrScale > 0 && double.IsFinite(HdrScale))) problems.Add($"HdrScale: {HdrScale} must be > 0");
        if (KernelPath is not null && task is not null && !blur)
            problems.Add($"KernelPath: given for task '{task}', which takes no kernel (only {TaskNames.GaussianBlur}, {TaskNames.MotionBlur})");
        if (MaskPath is not null && task is not null && !inpainting)
            problems.Add($"MaskPath: given for task '{task}', which takes no mask (only {TaskNames.InpaintingRandom}, {TaskNames.InpaintingBox})");
        if (task == TaskNames.NonlinearBlur)
            problems.AddRange((NonlinearBlur ?? new NonlinearBlurSettings(null)).Problems().Select(p => "NonlinearBlur." + p));
        else if (NonlinearBlur is not null && task is not null)
            problems.Add($"NonlinearBlur: given for task '{task}', which takes no blur network (only {TaskNames.NonlinearBlur})");
        if (KernelPath is not null && blur && !File.Exists(KernelPath)) problems.Add($"KernelPath: file not found: {KernelPath}");
        if (MaskPath is not null && inpainting && !File.Exists(MaskPath)) problems.Add($"MaskPath: file not found: {MaskPath}");
        return problems;
    }

    /// <summary>Throws when <see cref="Problems"/> is not empty.</summary>
    /// <exception cref="ArgumentException">The settings are invalid; the message lists every problem.</exception>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0) throw new ArgumentException("invalid operator settings: " + string.Join("; ", problems));
    }
}
