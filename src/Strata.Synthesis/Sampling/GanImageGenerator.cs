#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI; the server will serve it as is.
using Microsoft.Extensions.AI;
using Strata.Models.Store;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Imaging;

namespace Strata.Synthesis.Sampling;

/// <summary>
/// A trained generator behind Microsoft.Extensions.AI's <see cref="IImageGenerator"/>, so <c>/v1/images/generations</c>
/// can serve it. GANs are unconditional: the prompt is ignored. Set <c>AdditionalProperties["seed"]</c> for
/// reproducible images; <see cref="ImageGenerationOptions.Count"/> picks how many (default 1).
/// </summary>
public sealed class GanImageGenerator : IImageGenerator
{
    /// <summary>The most images one request may ask for.</summary>
    public const int MaxCount = 64;

    private readonly GanSampler sampler;
    private readonly string modelName;
    private readonly Lock gate = new();

    /// <summary>Loads model <paramref name="name"/> from <paramref name="store"/>.</summary>
    public GanImageGenerator(ModelStore store, string name)
    {
        sampler = GanSampler.Load(store, name);
        modelName = name;
    }

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

        var seed = options?.AdditionalProperties?.TryGetValue("seed", out var value) == true && value is not null
            ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)
            : Random.Shared.NextInt64();
        ImageSet images;
        lock (gate)
        {
            // TorchSharp modules are not safe to run from several threads at once.
            images = sampler.Sample(count, seed);
        }

        var contents = new List<AIContent>(count);
        for (var i = 0; i < count; i++)
        {
            contents.Add(new DataContent(ImageGrid.EncodePng(images, i), "image/png"));
        }

        return Task.FromResult(new ImageGenerationResponse(contents) { RawRepresentation = modelName });
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose() => sampler.Dispose();
}
