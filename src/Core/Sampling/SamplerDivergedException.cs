namespace Spgd.Core.Sampling;

/// <summary>The sampler's iterate or gradient became NaN or infinite; the message names the step and what to lower.</summary>
public sealed class SamplerDivergedException : ArithmeticException
{
    /// <summary>Creates the exception for outer step <paramref name="step"/> and warm-up iteration <paramref name="iteration"/> (both 0-based).</summary>
    public SamplerDivergedException(string message, int step, int iteration) : base(message)
    {
        Step = step;
        Iteration = iteration;
    }

    /// <summary>0-based outer step at which the sampler diverged.</summary>
    public int Step { get; }

    /// <summary>0-based warm-up iteration within that step.</summary>
    public int Iteration { get; }
}
