using Strata.Core;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.TestSupport;

namespace Strata.Synthesis.Tests;

/// <summary>A small Fashion-MNIST dataset in a fresh STRATA_HOME, and configs small enough to train in seconds.</summary>
public sealed class FashionMnist : IDisposable
{
    /// <summary>Where the Debian package dataset-fashion-mnist puts the files (see <see cref="TinyGan.FashionMnist"/>).</summary>
    public const string Folder = TinyGan.FashionMnist;

    public FashionMnist(int limit = 1024)
    {
        Paths = new StrataPaths(Home.Path);
        Store = new DatasetStore(Paths);
        Manifest = new DatasetImporter(Store).Import(Folder, new DatasetImportOptions("fm", Limit: limit));
    }

    public TemporaryFolder Home { get; } = new();

    public StrataPaths Paths { get; }

    public DatasetStore Store { get; }

    public DatasetManifest Manifest { get; }

    public ImageSet Train => Store.Load("fm");

    /// <summary>The shipped config with narrower networks and a small batch, so a step takes milliseconds.</summary>
    public static SynthesisConfig Small(string file = "dcgan-fashion-mnist.json", int batch = 32)
    {
        var config = SynthesisConfig.Load(RepositoryConfigs.Find(file));
        return config with
        {
            Model = config.Gan with { GeneratorWidths = [64, 32], DiscriminatorWidths = [32, 64] },
            Training = config.Training with { BatchSize = batch, SampleEvery = 0, CheckpointEvery = 0, LogEvery = 1 },
        };
    }

    /// <summary>The shipped DDPM config with a tiny UNet (8 channels, two levels, attention at 14×14) and T = 50.</summary>
    public static SynthesisConfig SmallDdpm(int batch = 16, string schedule = "cosine")
    {
        var config = SynthesisConfig.Load(RepositoryConfigs.Find("ddpm-fashion-mnist.json"));
        return config with
        {
            Diffusion = config.Ddpm with
            {
                BaseChannels = 8, ChannelMultipliers = [1, 2], AttentionResolutions = [14], NormGroups = 4,
                Timesteps = 50, Schedule = schedule, SamplingSteps = 5,
            },
            Training = config.Training with { BatchSize = batch, SampleEvery = 0, CheckpointEvery = 0, LogEvery = 1 },
        };
    }

    public void Dispose() => Home.Dispose();
}
