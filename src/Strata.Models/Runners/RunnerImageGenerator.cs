#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI.
using System.Globalization;
using Microsoft.Extensions.AI;

namespace Strata.Models.Runners;

/// <summary>
/// An <see cref="IImageGenerator"/> whose trained image model (GAN or DDPM) runs in an image runner process: the
/// in-process generator (Strata.Synthesis' <c>TrainedImageGenerator</c>) serves it inside the runner, so the same seed
/// and options give the same PNG bytes. It reads the same options: <see cref="ImageGenerationOptions.Count"/>, and
/// <c>AdditionalProperties</c> <c>seed</c>, <c>steps</c>, <c>sampler</c> and <c>eta</c>. If the runner dies (a libtorch
/// abort on a bad checkpoint), the request fails with a <see cref="ModelRunnerException"/> naming the model and the
/// runner's last native message, and the next request starts a new runner.
/// </summary>
public sealed class RunnerImageGenerator : IImageGenerator
{
    /// <summary>The most images one request may ask for by default, as in process.</summary>
    public const int DefaultMaxCount = 64;

    private readonly SupervisedRunner runner;
    private readonly int maxCount;
    private readonly ImageGeneratorMetadata metadata;

    internal RunnerImageGenerator(SupervisedRunner runner, int maxCount)
    {
        this.runner = runner;
        this.maxCount = maxCount;
        metadata = new ImageGeneratorMetadata("torchsharp", null, runner.Model);
    }

    /// <summary>The runner's process id while one runs (null otherwise).</summary>
    public int? RunnerProcessId => runner.Current is { Exited.IsCompleted: false } process ? process.ProcessId : null;

    /// <summary>Kills the running runner at once, as a native crash would (for tests of what a crash does).</summary>
    public void KillRunner() => runner.Current?.Kill();

    /// <inheritdoc />
    public async Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var batch = await GeneratePngsAsync(request, options, cancellationToken).ConfigureAwait(false);
        var contents = batch.Images.Select(png => (AIContent)new DataContent(png, "image/png")).ToList();
        return new ImageGenerationResponse(contents) { RawRepresentation = runner.Model };
    }

    /// <summary>As <see cref="GenerateAsync"/>, with the images' PNG bytes and size as the runner sent them.</summary>
    public async Task<RunnerImageBatch> GeneratePngsAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var call = RequestOf(options);
        return await runner.CallAsync(lease => lease.Images.GenerateImagesAsync(call, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ImageGeneratorMetadata) ? metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose() => runner.DisposeAsync().AsTask().GetAwaiter().GetResult();

    // Read as the in-process generator reads them, and checked here, so a bad count is the caller's error (not a remote one).
    private RunnerImageRequest RequestOf(ImageGenerationOptions? options)
    {
        var count = options?.Count ?? 1;
        if (count < 1 || count > maxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Count must be 1..{maxCount}.");
        }

        var properties = options?.AdditionalProperties;
        return new RunnerImageRequest
        {
            Count = count,
            Seed = Property(properties, "seed") is { } seed ? Convert.ToInt64(seed, CultureInfo.InvariantCulture) : Random.Shared.NextInt64(),
            Steps = Property(properties, "steps") is { } steps ? Convert.ToInt32(steps, CultureInfo.InvariantCulture) : null,
            Sampler = Property(properties, "sampler")?.ToString(),
            Eta = Property(properties, "eta") is { } eta ? Convert.ToDouble(eta, CultureInfo.InvariantCulture) : null,
        };
    }

    private static object? Property(AdditionalPropertiesDictionary? properties, string name) =>
        properties?.TryGetValue(name, out var value) == true ? value : null;
}
