namespace Strata.Synthesis.Diffusion;

/// <summary>
/// The forward process's variances β_t, t = 0..T−1, and the products ᾱ_t = Π_{s≤t} (1 − β_s): x_t is
/// √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε. Kept in double precision; the trainer and samplers take float copies.
/// </summary>
public sealed class NoiseSchedule
{
    private NoiseSchedule(string kind, double[] betas)
    {
        Kind = kind;
        Betas = betas;
        AlphaBars = new double[betas.Length];
        var product = 1.0;
        for (var t = 0; t < betas.Length; t++)
        {
            product *= 1 - betas[t];
            AlphaBars[t] = product;
        }
    }

    /// <summary><c>linear</c> or <c>cosine</c>.</summary>
    public string Kind { get; }

    /// <summary>T.</summary>
    public int Timesteps => Betas.Count;

    /// <summary>β_t.</summary>
    public IReadOnlyList<double> Betas { get; }

    /// <summary>ᾱ_t, falling from just under 1 to near 0.</summary>
    public double[] AlphaBars { get; }

    /// <summary>The schedule named <paramref name="kind"/> over <paramref name="timesteps"/> steps.</summary>
    public static NoiseSchedule Create(string kind, int timesteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timesteps, 2);
        return kind switch
        {
            "linear" => Linear(timesteps),
            "cosine" => Cosine(timesteps),
            _ => throw new ArgumentException($"Unknown noise schedule '{kind}' (linear, cosine)."),
        };
    }

    // Ho et al. (2020): β from 1e-4 to 0.02 over 1,000 steps; scaled by 1000/T (as improved-diffusion does) so other
    // step counts end at about the same ᾱ_T.
    private static NoiseSchedule Linear(int timesteps)
    {
        var scale = 1000.0 / timesteps;
        double start = scale * 1e-4, end = Math.Min(scale * 0.02, 0.999);
        return new NoiseSchedule("linear", [.. Enumerable.Range(0, timesteps).Select(t => start + (end - start) * t / (timesteps - 1))]);
    }

    // Nichol & Dhariwal (2021): ᾱ(t) = f(t)/f(0), f(t) = cos²((t/T + s)/(1 + s)·π/2), s = 0.008, so ᾱ falls slowly at
    // both ends instead of wasting the last steps on pure noise; β clipped at 0.999 to avoid a singularity at t = T.
    private static NoiseSchedule Cosine(int timesteps)
    {
        const double s = 0.008;
        static double F(double u) => Math.Pow(Math.Cos((u + s) / (1 + s) * Math.PI / 2), 2);
        var betas = new double[timesteps];
        for (var t = 0; t < timesteps; t++)
        {
            betas[t] = Math.Min(1 - F((t + 1.0) / timesteps) / F((double)t / timesteps), 0.999);
        }

        return new NoiseSchedule("cosine", betas);
    }
}
