using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;

namespace Strata.Synthesis.Sampling;

/// <summary>How a diffusion model should sample; GANs ignore it (they generate in one step).</summary>
/// <param name="Sampler"><c>ddim</c> or <c>ddpm</c> (ancestral, all T steps); null: the config's.</param>
/// <param name="Steps">DDIM steps; null: the config's. Asking for steps without a sampler means DDIM.</param>
/// <param name="Eta">DDIM's η (0 deterministic, 1 DDPM-like variance); null: the config's.</param>
public sealed record SamplingOptions(string? Sampler = null, int? Steps = null, double? Eta = null);

/// <summary>A trained image model that makes images from a seed.</summary>
public interface IImageSampler : IDisposable
{
    /// <summary>The model's configuration.</summary>
    SynthesisConfig Config { get; }

    /// <summary>Makes <paramref name="count"/> images; the same seed and options give the same images.</summary>
    ImageSet Sample(int count, long seed, SamplingOptions? options = null);
}
