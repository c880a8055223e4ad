using Strata.Core;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Training;

namespace Strata.Synthesis.TestSupport;

/// <summary>A DDPM (a narrow U-Net) trained for two steps on 64 Fashion-MNIST images into a STRATA_HOME: a real diffusion model in seconds.</summary>
public static class TinyDdpm
{
    /// <summary>
    /// Imports 64 Fashion-MNIST images as dataset <c>fm-ddpm</c> and trains the shipped DDPM config, narrowed, for two
    /// steps, with <paramref name="timesteps"/> noise levels; it samples with 5 DDIM steps by default.
    /// </summary>
    public static async Task TrainAsync(StrataPaths paths, string modelName, int timesteps = 1000)
    {
        new DatasetImporter(new DatasetStore(paths)).Import(TinyGan.FashionMnist, new DatasetImportOptions("fm-ddpm", Limit: 64));
        var shipped = SynthesisConfig.Load(RepositoryConfigs.Find("ddpm-fashion-mnist.json"));
        var config = shipped with
        {
            Diffusion = shipped.Ddpm with
            {
                BaseChannels = 8, ChannelMultipliers = [1, 2], AttentionResolutions = [14], NormGroups = 4,
                Timesteps = timesteps, Sampler = "ddim", SamplingSteps = 5,
            },
            Training = shipped.Training with { BatchSize = 16, SampleEvery = 0, CheckpointEvery = 0, LogEvery = 1 },
        };
        var outcome = await new TrainingRun(paths, new DatasetStore(paths), new Strata.Models.Store.ModelStore(paths)).RunAsync(config, "fm-ddpm", modelName, maxSteps: 2);
        if (!outcome.Completed)
        {
            throw new InvalidOperationException($"The tiny DDPM '{modelName}' did not finish its two training steps.");
        }
    }
}
