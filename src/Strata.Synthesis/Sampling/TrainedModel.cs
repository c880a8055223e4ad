using System.Text.Json;
using Strata.Models.Store;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Runtime;

namespace Strata.Synthesis.Sampling;

/// <summary>
/// A model registered by <c>strata train</c>: format <c>torch</c>, its <c>config.json</c>, its weights, and
/// <c>training-run.json</c> naming the tracked run that trained it (so evaluations can be logged to that run).
/// </summary>
public static class TrainedModel
{
    /// <summary>The configuration inside a stored model.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>The tracked training run inside a stored model.</summary>
    public const string RunFile = "training-run.json";

    /// <summary>Loads model <paramref name="name"/> with the sampler its config's architecture calls for.</summary>
    public static IImageSampler Load(ModelStore store, string name)
    {
        ArgumentNullException.ThrowIfNull(store);
        TorchRuntime.EnsureAvailable();
        var config = ConfigOf(store, name);
        var weightsFile = config.IsDiffusion ? Training.DiffusionTrainer.WeightsFile : GanSampler.WeightsFile;
        var weights = store.Get(name).Files.FirstOrDefault(f => f.Path == weightsFile)
            ?? throw new InvalidOperationException($"Model '{name}' has no {weightsFile}; train it again with strata train.");
        return Load(config, store.PathOf(weights));
    }

    /// <summary>
    /// Loads the model in <paramref name="folder"/>, laid out as <c>strata train</c> exports it (its config and weights
    /// side by side): a folder on its way into the store, loaded on trial before it is imported.
    /// </summary>
    public static IImageSampler LoadFolder(string folder)
    {
        TorchRuntime.EnsureAvailable();
        var config = SynthesisConfig.Load(Path.Combine(folder, ConfigFile));
        var weights = Path.Combine(folder, config.IsDiffusion ? Training.DiffusionTrainer.WeightsFile : GanSampler.WeightsFile);
        return File.Exists(weights)
            ? Load(config, weights)
            : throw new InvalidOperationException($"'{Path.GetFileName(folder)}' has {ConfigFile} but no {Path.GetFileName(weights)}, the weights its architecture '{config.Architecture}' needs.");
    }

    private static IImageSampler Load(SynthesisConfig config, string weights) =>
        config.IsDiffusion ? DiffusionSampler.Load(config, weights) : GanSampler.Load(config, weights);

    /// <summary>Model <paramref name="name"/>'s configuration.</summary>
    public static SynthesisConfig ConfigOf(ModelStore store, string name)
    {
        ArgumentNullException.ThrowIfNull(store);
        var manifest = store.Get(name);
        var configFile = manifest.Files.FirstOrDefault(f => f.Path == ConfigFile);
        if (manifest.Format != ModelFormat.Torch || configFile is null)
        {
            throw new InvalidOperationException($"Model '{name}' is not an image model trained by strata train (needs format torch and {ConfigFile}).");
        }

        return SynthesisConfig.Load(store.PathOf(configFile));
    }

    /// <summary>The training step model <paramref name="name"/> was exported at (0 when unknown).</summary>
    public static long StepOf(ModelStore store, string name)
    {
        ArgumentNullException.ThrowIfNull(store);
        var file = store.Get(name).Files.FirstOrDefault(f => f.Path == RunFile);
        if (file is null)
        {
            return 0;
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(store.PathOf(file)));
        return document.RootElement.TryGetProperty("step", out var step) ? step.GetInt64() : 0;
    }

    /// <summary>The id of the tracked run that trained model <paramref name="name"/>, when it was trained under one.</summary>
    public static string? TrainingRunOf(ModelStore store, string name)
    {
        ArgumentNullException.ThrowIfNull(store);
        var file = store.Get(name).Files.FirstOrDefault(f => f.Path == RunFile);
        if (file is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(store.PathOf(file)));
        return document.RootElement.TryGetProperty("trackedRunId", out var id) ? id.GetString() : null;
    }
}
