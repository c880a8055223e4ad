namespace Strata.Synthesis.Configuration;

/// <summary>A DDPM: its UNet, noise schedule, EMA and default sampler.</summary>
public sealed record DiffusionConfig
{
    /// <summary>Channels of the UNet's first level.</summary>
    public int BaseChannels { get; init; } = 32;

    /// <summary>Channel multiplier of each level (base × multiplier); each level after the first halves the resolution.</summary>
    public IReadOnlyList<int> ChannelMultipliers { get; init; } = [1, 2, 2];

    /// <summary>Residual blocks per level on the way down (the way up has one more, for the extra skip).</summary>
    public int ResidualBlocks { get; init; } = 1;

    /// <summary>Resolutions (sides in pixels) whose levels get a self-attention layer after each residual block.</summary>
    public IReadOnlyList<int> AttentionResolutions { get; init; } = [7];

    /// <summary>Groups of the group normalisations; every level's channel count must be a multiple of it.</summary>
    public int NormGroups { get; init; } = 8;

    /// <summary>Dropout inside residual blocks.</summary>
    public double Dropout { get; init; }

    /// <summary>Diffusion steps T.</summary>
    public int Timesteps { get; init; } = 1000;

    /// <summary><c>linear</c> (Ho et al., β from 1e-4 to 0.02) or <c>cosine</c> (Nichol &amp; Dhariwal).</summary>
    public string Schedule { get; init; } = "cosine";

    /// <summary>Decay of the exponential moving average of the weights; the EMA weights are the ones sampled from.</summary>
    public double EmaDecay { get; init; } = 0.999;

    /// <summary>The sampler used when none is asked for: <c>ddim</c> or <c>ddpm</c> (ancestral, all T steps).</summary>
    public string Sampler { get; init; } = "ddim";

    /// <summary>DDIM steps when none are asked for.</summary>
    public int SamplingSteps { get; init; } = 50;

    /// <summary>DDIM's η: 0 is deterministic, 1 matches DDPM's variance.</summary>
    public double Eta { get; init; }

    /// <summary>Gradient-norm clip (0: none); keeps early steps at high noise from throwing the weights off.</summary>
    public double GradientClip { get; init; } = 1.0;

    internal void Validate(ImageShape image, Action<bool, string> check)
    {
        var levels = ChannelMultipliers.Count;
        check(BaseChannels > 0 && levels >= 1 && ChannelMultipliers.All(m => m > 0), "diffusion.baseChannels and channelMultipliers must be positive, with at least one level.");
        check(image.Size % (1 << (levels - 1)) == 0,
            $"image.size {image.Size} must be a multiple of 2^{levels - 1} (one halving per level after the first).");
        check(NormGroups > 0 && ChannelMultipliers.All(m => BaseChannels * m % NormGroups == 0),
            $"every level's channels (baseChannels × multiplier) must be a multiple of diffusion.normGroups ({NormGroups}).");
        var sides = Enumerable.Range(0, levels).Select(l => image.Size >> l).ToHashSet();
        check(AttentionResolutions.All(sides.Contains), $"diffusion.attentionResolutions must be among the UNet's resolutions ({string.Join(", ", sides)}).");
        check(ResidualBlocks >= 1, "diffusion.residualBlocks must be at least 1.");
        check(Dropout is >= 0 and < 1, "diffusion.dropout must be in [0, 1).");
        check(Timesteps is >= 2 and <= 10_000, "diffusion.timesteps must be 2..10000.");
        check(Schedule is "linear" or "cosine", "diffusion.schedule must be linear or cosine.");
        check(EmaDecay is >= 0 and < 1, "diffusion.emaDecay must be in [0, 1).");
        check(Sampler is "ddim" or "ddpm", "diffusion.sampler must be ddim or ddpm.");
        check(SamplingSteps >= 1 && SamplingSteps <= Timesteps, "diffusion.samplingSteps must be 1..timesteps.");
        check(Eta is >= 0 and <= 1, "diffusion.eta must be in [0, 1].");
        check(GradientClip >= 0, "diffusion.gradientClip must not be negative.");
    }
}
