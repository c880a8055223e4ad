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
        var path = store.PathOf(weights);
        return config.IsDiffusion ? DiffusionSampler.Load(config, path) : GanSampler.Load(config, path);
    }

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
