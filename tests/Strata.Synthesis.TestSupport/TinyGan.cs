using Strata.Core;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Training;

namespace Strata.Synthesis.TestSupport;

/// <summary>A DCGAN trained for two steps on 64 Fashion-MNIST images into a STRATA_HOME: a real image model in seconds.</summary>
public static class TinyGan
{
    /// <summary>Where the Debian package dataset-fashion-mnist puts the files (scripts/install-test-deps.sh installs it).</summary>
    public const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    /// <summary>Imports 64 Fashion-MNIST images as dataset <c>fm</c> and trains the shipped DCGAN config, narrowed, for two steps.</summary>
    public static async Task TrainAsync(StrataPaths paths, string modelName)
    {
        new DatasetImporter(new DatasetStore(paths)).Import(FashionMnist, new DatasetImportOptions("fm", Limit: 64));
        var shipped = SynthesisConfig.Load(RepositoryConfigs.Find("dcgan-fashion-mnist.json"));
        var config = shipped with
        {
            Model = shipped.Gan with { GeneratorWidths = [32, 16], DiscriminatorWidths = [16, 32] },
            Training = shipped.Training with { BatchSize = 16, SampleEvery = 0, CheckpointEvery = 0, LogEvery = 1 },
        };
        var outcome = await new TrainingRun(paths, new Strata.Synthesis.Datasets.DatasetStore(paths), new Strata.Models.Store.ModelStore(paths)).RunAsync(config, "fm", modelName, maxSteps: 2);
        if (!outcome.Completed)
        {
            throw new InvalidOperationException($"The tiny GAN '{modelName}' did not finish its two training steps.");
        }
    }
}
