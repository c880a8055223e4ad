#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI; the server will serve it as is.
using System.Globalization;
using Microsoft.Extensions.AI;
using Strata.Models.Store;
using Strata.Synthesis.Imaging;

namespace Strata.Synthesis.Sampling;

/// <summary>
/// A model trained by <c>strata train</c> (GAN or diffusion, chosen by its config) behind Microsoft.Extensions.AI's
/// <see cref="IImageGenerator"/>, so <c>/v1/images/generations</c> can serve it. The models are unconditional: the
/// prompt is ignored. Set <c>AdditionalProperties["seed"]</c> for reproducible images, and for diffusion models
/// <c>AdditionalProperties["steps"]</c> (DDIM steps), <c>["sampler"]</c> (<c>ddim</c> or <c>ddpm</c>) and
/// <c>["eta"]</c> (DDIM's η); <see cref="ImageGenerationOptions.Count"/> picks how many (default 1).
/// This is the in-process generator; an image runner (<see cref="TrainedImageRunner"/>) serves this same class.
/// </summary>
public sealed class TrainedImageGenerator : IImageGenerator
{
    /// <summary>The most images one request may ask for.</summary>
    public const int MaxCount = 64;

    /// <summary>The most images one batch may hold (<c>strata sample -n</c>'s limit).</summary>
    public const int MaxBatch = 10_000;

    private readonly IImageSampler sampler;
    private readonly string modelName;
    private readonly Lock gate = new();

    /// <summary>Loads model <paramref name="name"/> from <paramref name="store"/>.</summary>
    public TrainedImageGenerator(ModelStore store, string name)
        : this(TrainedModel.Load(store, name), name)
    {
    }

    private TrainedImageGenerator(IImageSampler sampler, string name)
    {
        this.sampler = sampler;
        modelName = name;
    }

    /// <summary>The model's configuration.</summary>
    public Configuration.SynthesisConfig Config => sampler.Config;

    /// <summary>Loads the exported model in <paramref name="folder"/> (see <see cref="TrainedModel.LoadFolder"/>).</summary>
    public static TrainedImageGenerator FromFolder(string folder, string name) => new(TrainedModel.LoadFolder(folder), name);

    /// <inheritdoc/>
    public Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var count = options?.Count ?? 1;
        if (count is < 1 or > MaxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Count must be 1..{MaxCount}.");
        }

        var properties = options?.AdditionalProperties;
        var seed = Property(properties, "seed") is { } value ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : Random.Shared.NextInt64();
        var steps = Property(properties, "steps") is { } stepsValue ? Convert.ToInt32(stepsValue, CultureInfo.InvariantCulture) : (int?)null;
        var eta = Property(properties, "eta") is { } etaValue ? Convert.ToDouble(etaValue, CultureInfo.InvariantCulture) : (double?)null;
        var images = GeneratePngs(count, seed, new SamplingOptions(Property(properties, "sampler")?.ToString(), steps, eta));
        var contents = images.Select(png => (AIContent)new DataContent(png, "image/png")).ToList();
        return Task.FromResult(new ImageGenerationResponse(contents) { RawRepresentation = modelName });
    }

    /// <summary>Makes <paramref name="count"/> images (up to <see cref="MaxBatch"/>) and encodes each as a PNG file.</summary>
    public IReadOnlyList<byte[]> GeneratePngs(int count, long seed, SamplingOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxBatch);
        Datasets.ImageSet images;
        lock (gate)
        {
            // TorchSharp modules are not safe to run from several threads at once.
            images = sampler.Sample(count, seed, options);
        }

        return [.. Enumerable.Range(0, count).Select(i => ImageGrid.EncodePng(images, i))];
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose() => sampler.Dispose();

    private static object? Property(AdditionalPropertiesDictionary? properties, string name) =>
        properties?.TryGetValue(name, out var value) == true ? value : null;
}
