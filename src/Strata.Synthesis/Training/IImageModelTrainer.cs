using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;

namespace Strata.Synthesis.Training;

/// <summary>
/// One kind of image model being trained step by step. <see cref="TrainingRun"/> drives any of them the same way:
/// progress, metrics, sample grids, atomic checkpoints, exact resume, the NaN stop, Ctrl-C and registration.
/// </summary>
public interface IImageModelTrainer : IDisposable
{
    /// <summary>The configuration being trained.</summary>
    SynthesisConfig Config { get; }

    /// <summary>Steps taken so far.</summary>
    long Step { get; }

    /// <summary>Real images consumed per step.</summary>
    int ImagesPerStep { get; }

    /// <summary>Takes one step and returns its metrics by their logged names.</summary>
    /// <exception cref="TrainingDivergedException">A metric is NaN or infinite.</exception>
    IReadOnlyDictionary<string, double> TrainStep();

    /// <summary>Images from the model as it would be sampled after training (the generator, or the EMA weights).</summary>
    ImageSet Sample(int count, long seed);

    /// <summary>Writes everything needed to continue exactly: weights, optimiser state, step.</summary>
    void SaveCheckpoint(Stream stream);

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint"/> for the same configuration.</summary>
    void LoadCheckpoint(Stream stream);

    /// <summary>The weights file registered in the model store and its name there.</summary>
    (string FileName, Action<Stream> Write) ExportedWeights { get; }
}

/// <summary>Creates the trainer a configuration's architecture calls for.</summary>
public static class ImageModelTrainers
{
    /// <summary>A <see cref="GanTrainer"/> for dcgan and wgan-gp, a <see cref="DiffusionTrainer"/> for ddpm.</summary>
    public static IImageModelTrainer Create(SynthesisConfig config, ImageSet images)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.IsDiffusion ? new DiffusionTrainer(config, images) : new GanTrainer(config, images);
    }
}
