using Strata.Synthesis.Architectures;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Strata.Synthesis.Sampling;

/// <summary>Makes images with a trained generator, from the model store or in memory.</summary>
public sealed class GanSampler : IImageSampler
{
    /// <summary>The generator's weights inside a stored model.</summary>
    public const string WeightsFile = "generator.dat";

    private readonly DcganGenerator generator;

    private GanSampler(DcganGenerator generator, SynthesisConfig config)
    {
        this.generator = generator;
        Config = config;
    }

    /// <inheritdoc/>
    public SynthesisConfig Config { get; }

    /// <summary>A generator with its initial (untrained) weights, a baseline for evaluation.</summary>
    public static GanSampler Untrained(SynthesisConfig config, long seed)
    {
        TorchRuntime.EnsureAvailable();
        random.manual_seed(seed);
        return new GanSampler(new DcganGenerator(config), config);
    }

    /// <summary>Loads a generator for <paramref name="config"/> from weights file <paramref name="weightsPath"/>.</summary>
    public static GanSampler Load(SynthesisConfig config, string weightsPath)
    {
        TorchRuntime.EnsureAvailable();
        var generator = new DcganGenerator(config);
        using var reader = new BinaryReader(File.OpenRead(weightsPath));
        generator.load(reader);
        return new GanSampler(generator, config);
    }

    /// <inheritdoc/>
    public ImageSet Sample(int count, long seed, SamplingOptions? options = null) => Sample(generator, Config, count, seed);

    /// <summary>Makes <paramref name="count"/> images with <paramref name="generator"/> in evaluation mode, restoring its mode after.</summary>
    public static ImageSet Sample(DcganGenerator generator, SynthesisConfig config, int count, long seed)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var wasTraining = generator.training;
        generator.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            // A private generator: sampling in the middle of training must not disturb the trainer's random stream.
            using var rng = new torch.Generator((ulong)seed);
            var z = randn([count, config.Gan.LatentSize], generator: rng);
            var images = ((generator.forward(z) + 1) * 127.5).round().clamp(0, 255).to_type(ScalarType.Byte);
            var size = config.Image.Size;
            return new ImageSet(images.data<byte>().ToArray(), count, config.Image.Channels, size, size);
        }
        finally
        {
            generator.train(wasTraining);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => generator.Dispose();
}
