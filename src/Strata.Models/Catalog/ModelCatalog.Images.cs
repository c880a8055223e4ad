using Strata.Models.Runners;
using Strata.Models.Store;

namespace Strata.Models.Catalog;

public sealed partial class ModelCatalog
{
    /// <summary>Whether local models run in runner processes (<c>Models:Runners</c>); false keeps them in this process.</summary>
    public bool UsesRunners => runners;

    /// <summary>
    /// A generator for the stored image model <paramref name="name"/> (trained by <c>strata train</c>) whose model runs in
    /// an image runner, supervised as the catalog's other runners are: started by the first request, ended when idle,
    /// restarted after a crash, and marked failing (in <see cref="RunnerHealth"/>) after repeated crashes. The caller owns
    /// it and keeps it for as long as the model is served, so its requests share one runner.
    /// </summary>
    /// <param name="name">The stored model.</param>
    /// <param name="maxCount">The most images one request may ask for.</param>
    /// <exception cref="ModelCatalogException">No model <paramref name="name"/> is stored.</exception>
    public RunnerImageGenerator CreateImageRunner(string name, int maxCount = RunnerImageGenerator.DefaultMaxCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var manifest = store.Find(name) ?? throw NotFound(name);
        if (manifest.Format != ModelFormat.Torch)
        {
            throw new ModelCatalogException($"'{name}' is a {manifest.Format.ToString().ToLowerInvariant()} model; images need a model trained by strata train.");
        }

        return new RunnerImageGenerator(Supervise(manifest, RunnerRole.Images), maxCount);
    }
}
