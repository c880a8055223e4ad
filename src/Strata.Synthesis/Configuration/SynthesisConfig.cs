using System.Text.Json;
using System.Text.Json.Serialization;

namespace Strata.Synthesis.Configuration;

/// <summary>A model and its hyperparameters, as written in <c>configs/*.json</c>.</summary>
public sealed record SynthesisConfig
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The configuration's name; runs and registered models default to it.</summary>
    public required string Name { get; init; }

    /// <summary><c>dcgan</c>, <c>wgan-gp</c> or <c>ddpm</c>.</summary>
    public required string Architecture { get; init; }

    /// <summary>The images the model makes.</summary>
    public required ImageShape Image { get; init; }

    /// <summary>The GAN's networks (dcgan, wgan-gp); absent for diffusion models.</summary>
    public GanModelConfig? Model { get; init; }

    /// <summary>The diffusion model's UNet, noise schedule, EMA and sampler (ddpm); absent for GANs.</summary>
    public DiffusionConfig? Diffusion { get; init; }

    /// <summary>How to train it.</summary>
    public required TrainingConfig Training { get; init; }

    /// <summary>Whether the critic is trained with a Wasserstein loss and gradient penalty.</summary>
    [JsonIgnore]
    public bool IsWasserstein => Architecture == "wgan-gp";

    /// <summary>Whether this is a diffusion model (DDPM) rather than a GAN.</summary>
    [JsonIgnore]
    public bool IsDiffusion => Architecture == "ddpm";

    /// <summary>The GAN section, which validation guarantees for dcgan and wgan-gp.</summary>
    [JsonIgnore]
    public GanModelConfig Gan => Model ?? throw new InvalidOperationException($"Config '{Name}' ({Architecture}) has no GAN model section.");

    /// <summary>The diffusion section, which validation guarantees for ddpm.</summary>
    [JsonIgnore]
    public DiffusionConfig Ddpm => Diffusion ?? throw new InvalidOperationException($"Config '{Name}' ({Architecture}) has no diffusion section.");

    /// <summary>Reads and checks a configuration file.</summary>
    /// <exception cref="ArgumentException">A value is out of range or unknown.</exception>
    public static SynthesisConfig Load(string path) => Parse(File.ReadAllText(path), Path.GetFileName(path));

    /// <summary>Parses and checks a configuration.</summary>
    public static SynthesisConfig Parse(string json, string source = "config")
    {
        var config = JsonSerializer.Deserialize<SynthesisConfig>(json, Json) ?? throw new ArgumentException($"{source} is empty.");
        config.Validate(source);
        return config;
    }

    /// <summary>This configuration as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    private void Validate(string source)
    {
        void Check(bool ok, string problem)
        {
            if (!ok)
            {
                throw new ArgumentException($"{source}: {problem}");
            }
        }

        Check(Architecture is "dcgan" or "wgan-gp" or "ddpm", $"architecture '{Architecture}' is not supported here (dcgan, wgan-gp, ddpm).");
        Check(Image.Channels is 1 or 3, "image.channels must be 1 or 3.");
        Check(Training.BatchSize > 0 && Training.MaxSteps > 0 && Training.LearningRate > 0, "training.batchSize, maxSteps and learningRate must be positive.");
        if (IsDiffusion)
        {
            Check(Model is null, "a ddpm config describes its network in 'diffusion', not 'model'.");
            Check(Diffusion is not null, "a ddpm config needs a 'diffusion' section.");
            Diffusion!.Validate(Image, Check);
            return;
        }

        Check(Diffusion is null, "a GAN config has no 'diffusion' section.");
        Check(Model is not null, "a GAN config needs a 'model' section.");
        ValidateGan(Model!, Check);
    }

    private void ValidateGan(GanModelConfig gan, Action<bool, string> check)
    {
        var depth = gan.GeneratorWidths.Count;
        check(depth >= 1 && gan.DiscriminatorWidths.Count >= 1, "generatorWidths and discriminatorWidths need at least one entry each.");
        check(Image.Size % (1 << depth) == 0 && Image.Size >> depth >= 2,
            $"image.size {Image.Size} must be a multiple of 2^{depth} (one doubling per generator width) with a start of at least 2 pixels.");
        var criticDepth = gan.DiscriminatorWidths.Count;
        check(Image.Size % (1 << criticDepth) == 0,
            $"image.size {Image.Size} must be a multiple of 2^{criticDepth} (one halving per discriminator width).");
        check(gan.LatentSize is > 0 and <= 4096, "model.latentSize must be 1..4096.");
        check(gan.Normalization is "batch" or "instance" or "none", "model.normalization must be batch, instance or none.");
        check(gan.CriticNormalization is null or "batch" or "instance" or "none", "model.criticNormalization must be batch, instance or none.");
        check(!IsWasserstein || (gan.CriticNormalization ?? gan.Normalization) != "batch",
            "wgan-gp's gradient penalty is per sample, so the critic cannot use batch normalisation (set criticNormalization).");
        check(Training.CriticSteps >= 1, "training.criticSteps must be at least 1.");
    }
}

/// <summary>Image size and channels.</summary>
/// <param name="Size">Square side in pixels.</param>
/// <param name="Channels">1 (grey) or 3 (RGB).</param>
public sealed record ImageShape(int Size, int Channels);

/// <summary>A DCGAN-style generator and discriminator (critic).</summary>
public sealed record GanModelConfig
{
    /// <summary>Length of the noise vector z.</summary>
    public int LatentSize { get; init; } = 100;

    /// <summary>Channels of each generator stage from the smallest feature map up; one doubling of resolution per entry.</summary>
    public IReadOnlyList<int> GeneratorWidths { get; init; } = [256, 128];

    /// <summary>Channels of each discriminator stage; each halves the resolution.</summary>
    public IReadOnlyList<int> DiscriminatorWidths { get; init; } = [64, 128];

    /// <summary>Normalisation in the generator (and discriminator unless <see cref="CriticNormalization"/> is set): batch, instance or none.</summary>
    public string Normalization { get; init; } = "batch";

    /// <summary>Normalisation in the discriminator / critic, when it differs.</summary>
    public string? CriticNormalization { get; init; }
}

/// <summary>Optimiser, schedule and bookkeeping.</summary>
public sealed record TrainingConfig
{
    /// <summary>The dataset to train on, unless the command line names another.</summary>
    public string Dataset { get; init; } = "fashion-mnist";

    /// <summary>Real images per step.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Generator steps to train for.</summary>
    public int MaxSteps { get; init; } = 1000;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 2e-4;

    /// <summary>Adam's β1.</summary>
    public double Beta1 { get; init; } = 0.5;

    /// <summary>Adam's β2.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Seeds weights, data order and noise: the same seed gives the same run.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Random horizontal flips of real images.</summary>
    public bool Flip { get; init; }

    /// <summary>Critic updates per generator update (WGAN-GP).</summary>
    public int CriticSteps { get; init; } = 1;

    /// <summary>Gradient penalty weight λ (WGAN-GP).</summary>
    public double GradientPenalty { get; init; } = 10;

    /// <summary>Write a sample grid every this many steps (0: only at the end).</summary>
    public int SampleEvery { get; init; } = 500;

    /// <summary>Write a checkpoint every this many steps (0: only at the end).</summary>
    public int CheckpointEvery { get; init; } = 500;

    /// <summary>Log metrics every this many steps.</summary>
    public int LogEvery { get; init; } = 10;
}
