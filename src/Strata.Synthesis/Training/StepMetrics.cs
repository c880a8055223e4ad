namespace Strata.Synthesis.Training;

/// <summary>What one generator step measured.</summary>
/// <param name="Step">The step just finished (1-based).</param>
/// <param name="DiscriminatorLoss">The discriminator's (critic's) loss, averaged over its updates this step.</param>
/// <param name="GeneratorLoss">The generator's loss.</param>
/// <param name="RealScore">D(x): mean probability (DCGAN) or critic value (WGAN-GP) on real images.</param>
/// <param name="FakeScore">D(G(z)): the same on generated images, before the discriminator's update.</param>
/// <param name="DiscriminatorGradNorm">L2 norm of the discriminator's gradients.</param>
/// <param name="GeneratorGradNorm">L2 norm of the generator's gradients.</param>
/// <param name="GradientPenalty">The gradient penalty term (WGAN-GP; 0 otherwise).</param>
public sealed record StepMetrics(
    long Step, double DiscriminatorLoss, double GeneratorLoss, double RealScore, double FakeScore,
    double DiscriminatorGradNorm, double GeneratorGradNorm, double GradientPenalty)
{
    /// <summary>The metrics by the names logged to a run.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary() => new Dictionary<string, double>
    {
        ["loss_d"] = DiscriminatorLoss,
        ["loss_g"] = GeneratorLoss,
        ["d_real"] = RealScore,
        ["d_fake"] = FakeScore,
        ["grad_norm_d"] = DiscriminatorGradNorm,
        ["grad_norm_g"] = GeneratorGradNorm,
        ["gradient_penalty"] = GradientPenalty,
    };
}

/// <summary>Training stopped because a loss became NaN or infinite.</summary>
public sealed class TrainingDivergedException(string message) : InvalidOperationException(message);
