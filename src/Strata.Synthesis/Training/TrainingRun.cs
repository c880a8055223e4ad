using System.Diagnostics;
using Strata.Core;
using Strata.Models.Store;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Imaging;
using Strata.Synthesis.Sampling;

namespace Strata.Synthesis.Training;

/// <summary>Progress of a run, reported after every step.</summary>
/// <param name="Step">The step just finished (1-based).</param>
/// <param name="Metrics">The step's metrics by their logged names (loss_d, loss_g, … for GANs; loss, … for DDPM).</param>
/// <param name="MaxSteps">The step the run stops at.</param>
/// <param name="ImagesPerSecond">Real images trained on per second since this process started training.</param>
/// <param name="Remaining">Estimated time left.</param>
public sealed record TrainingProgress(long Step, IReadOnlyDictionary<string, double> Metrics, long MaxSteps, double ImagesPerSecond, TimeSpan Remaining);

/// <summary>What a finished (or stopped) run produced.</summary>
/// <param name="RunFolder">The run's folder.</param>
/// <param name="Step">The last step taken.</param>
/// <param name="Completed">Whether it reached its last step (false: cancelled, checkpoint saved).</param>
/// <param name="Model">The model registered in the store, when completed.</param>
public sealed record TrainingOutcome(string RunFolder, long Step, bool Completed, string? Model);

/// <summary>
/// A training run under <c>$STRATA_HOME/runs/NAME/</c>: <c>config.json</c>, <c>metrics.jsonl</c>,
/// <c>samples/step-NNNNNN.png</c>, <c>checkpoint.bin</c> (atomic), and at the end the generator (GAN) or the EMA
/// UNet (DDPM) registered in the model store as format <c>torch</c> with its config. Any
/// <see cref="IImageModelTrainer"/> runs through the same loop.
/// </summary>
public sealed class TrainingRun(StrataPaths paths, DatasetStore datasets, ModelStore models)
{
    /// <summary>Images in each sample grid.</summary>
    public const int SampleCount = 64;

    /// <summary>The folder of run <paramref name="name"/>.</summary>
    public string FolderOf(string name)
    {
        var problem = ModelName.Validate(name);
        return problem is null ? Path.Combine(paths.Runs, name) : throw new ArgumentException($"Invalid run name '{name}': {problem}.");
    }

    /// <summary>
    /// Trains <paramref name="config"/> on <paramref name="dataset"/> as run <paramref name="runName"/>, resuming from its
    /// checkpoint when <paramref name="resume"/> is set. <paramref name="log"/>, when given, wraps the run folder's log; it
    /// is given that log and, on resume, the checkpoint's step (null for a new run).
    /// </summary>
    public async Task<TrainingOutcome> RunAsync(
        SynthesisConfig config, string dataset, string runName, long? maxSteps = null, bool resume = false,
        Func<ITrainingLog, long?, ITrainingLog>? log = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var folder = FolderOf(runName);
        var checkpoint = Path.Combine(folder, "checkpoint.bin");
        if (resume && !File.Exists(checkpoint))
        {
            throw new InvalidOperationException($"Run '{runName}' has no checkpoint to resume from.");
        }

        if (!resume && File.Exists(checkpoint))
        {
            throw new InvalidOperationException($"Run '{runName}' already exists; resume it with --resume {runName} or pick another --run-name.");
        }

        var images = datasets.Load(dataset);
        using var trainer = ImageModelTrainers.Create(config, images);
        if (resume)
        {
            await using var stream = File.OpenRead(checkpoint);
            trainer.LoadCheckpoint(stream);
        }

        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllBytes(Path.Combine(folder, "config.json"), System.Text.Encoding.UTF8.GetBytes(config.ToJson()));
        // The run folder's JSONL log always exists (exact resume trims it); a caller may wrap it, e.g. to also track the
        // run, and is told the step a resume starts from so that it can trim its own record the same way.
        ITrainingLog files = new JsonlTrainingLog(folder, trainer.Step);
        using var logger = log?.Invoke(files, resume ? trainer.Step : null) ?? files;
        var last = maxSteps ?? config.Training.MaxSteps;
        var clock = Stopwatch.StartNew();
        var startStep = trainer.Step;
        var t = config.Training;
        while (trainer.Step < last)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Save(trainer, checkpoint, logger);
                return new TrainingOutcome(folder, trainer.Step, false, null);
            }

            var metrics = trainer.TrainStep();
            var rate = (trainer.Step - startStep) * trainer.ImagesPerStep / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            if (trainer.Step % Math.Max(1, t.LogEvery) == 0 || trainer.Step == last)
            {
                logger.LogMetrics(trainer.Step, new Dictionary<string, double>(metrics) { ["images_per_second"] = rate });
            }

            if (t.SampleEvery > 0 && trainer.Step % t.SampleEvery == 0 || trainer.Step == last)
            {
                var grid = Path.Combine(folder, "samples", $"step-{trainer.Step:D6}.png");
                ImageGrid.Save(trainer.Sample(SampleCount, config.Training.Seed), grid);
                logger.LogArtifact(trainer.Step, "samples", grid);
            }

            if (t.CheckpointEvery > 0 && trainer.Step % t.CheckpointEvery == 0)
            {
                Save(trainer, checkpoint, logger);
            }

            var perStep = clock.Elapsed / Math.Max(1, trainer.Step - startStep);
            progress?.Report(new TrainingProgress(trainer.Step, metrics, last, rate, perStep * (last - trainer.Step)));
        }

        Save(trainer, checkpoint, logger);
        var model = await RegisterAsync(trainer, folder, runName, cancellationToken);
        return new TrainingOutcome(folder, trainer.Step, true, model);
    }

    private static void Save(IImageModelTrainer trainer, string checkpoint, ITrainingLog logger)
    {
        AtomicFile.Write(checkpoint, trainer.SaveCheckpoint);
        logger.LogArtifact(trainer.Step, "checkpoint", checkpoint);
    }

    private async Task<string> RegisterAsync(IImageModelTrainer trainer, string folder, string runName, CancellationToken cancellationToken)
    {
        var export = Path.Combine(folder, "model");
        Directory.CreateDirectory(export);
        foreach (var stale in Directory.EnumerateFiles(export))
        {
            File.Delete(stale);
        }

        var (weightsFile, writeWeights) = trainer.ExportedWeights;
        AtomicFile.Write(Path.Combine(export, weightsFile), writeWeights);
        AtomicFile.WriteAllBytes(Path.Combine(export, TrainedModel.ConfigFile), System.Text.Encoding.UTF8.GetBytes(trainer.Config.ToJson()));
        // The tracked run's id travels with the model, so evaluations of the model can be logged to the run that trained it.
        var trackedRun = Path.Combine(folder, TrackedTrainingLog.RunIdFile);
        if (File.Exists(trackedRun))
        {
            var link = new { trackedRunId = File.ReadAllText(trackedRun).Trim(), runName, step = trainer.Step };
            AtomicFile.WriteAllBytes(Path.Combine(export, TrainedModel.RunFile), System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(link));
        }

        await new ModelImporter(models).ImportAsync(export, runName, ModelFormat.Torch, replace: true, cancellationToken);
        return runName;
    }
}
