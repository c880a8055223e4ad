#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI.
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Strata.Models.Catalog;
using Strata.Models.Store;
using Strata.Server.OpenAi;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Sampling;

namespace Strata.Server.Images;

/// <summary>An image model the server can serve: its generator and the size of the images it makes.</summary>
/// <param name="Name">The model's name in the store.</param>
/// <param name="Kind">Its architecture (<c>dcgan</c>, <c>wgan-gp</c>, <c>ddpm</c>).</param>
/// <param name="Width">Native image width in pixels.</param>
/// <param name="Height">Native image height in pixels.</param>
public sealed record ImageModelInfo(string Name, string Kind, int Width, int Height);

/// <summary>
/// Stored image models (those <c>strata train</c> registers: GANs and diffusion models, told apart by their config)
/// behind <see cref="IImageGenerator"/>. Generators are created on first use and kept. With <c>Models:Runners</c> (the
/// default) each model runs in an image runner the catalog supervises, so a libtorch abort ends the runner, not the
/// server; otherwise in this process.
/// </summary>
public sealed class ImageGenerators(ModelStore store, ModelCatalog catalog) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IImageGenerator>> loaded = new(StringComparer.Ordinal);

    /// <summary>Every stored image model.</summary>
    public IReadOnlyList<ImageModelInfo> List() =>
        store.List().Models.Select(Describe).OfType<ImageModelInfo>().ToList();

    /// <summary>The image model <paramref name="name"/>.</summary>
    /// <exception cref="OpenAiRequestException">No such model (404) or not an image model (400).</exception>
    public ImageModelInfo Find(string name)
    {
        var manifest = store.Find(name)
            ?? throw new OpenAiRequestException($"The model '{name}' does not exist.", "model", "model_not_found", StatusCodes.Status404NotFound);
        return Describe(manifest)
            ?? throw new OpenAiRequestException($"The model '{name}' is not an image model.", "model", "model_not_image");
    }

    /// <summary>The generator of <paramref name="model"/>, loaded once.</summary>
    public IImageGenerator Get(ImageModelInfo model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var generator = loaded.GetOrAdd(model.Name, name => new Lazy<IImageGenerator>(() => catalog.UsesRunners ? catalog.CreateImageRunner(name) : new TrainedImageGenerator(store, name)));
        try
        {
            return generator.Value;
        }
        catch
        {
            loaded.TryRemove(model.Name, out _); // a failed load is not cached: the file may be fixed
            throw;
        }
    }

    /// <summary>Unloads <paramref name="name"/> (after it was deleted from the store).</summary>
    public void Forget(string name)
    {
        if (loaded.TryRemove(name, out var generator) && generator.IsValueCreated)
        {
            generator.Value.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var name in loaded.Keys)
        {
            Forget(name);
        }
    }

    private ImageModelInfo? Describe(ModelManifest manifest)
    {
        var configFile = manifest.Files.FirstOrDefault(f => f.Path == TrainedModel.ConfigFile);
        if (manifest.Format != ModelFormat.Torch || configFile is null)
        {
            return null;
        }

        var config = SynthesisConfig.Load(store.PathOf(configFile));
        return new ImageModelInfo(manifest.Name, config.Architecture, config.Image.Size, config.Image.Size);
    }
}
