using StreamJsonRpc;

namespace Strata.Models.Runners;

/// <summary>
/// The image calls a runner serves beside <see cref="IModelRunner"/> when it runs a trained image model (GAN or DDPM).
/// Only the image runner program (Strata.ImageRunner, which carries libtorch) serves them; the model is loaded by
/// <see cref="IModelRunner.LoadAsync"/> with <see cref="RunnerRole.Images"/>, as every other runner's model is.
/// </summary>
[JsonRpcContract]
public partial interface IImageRunner
{
    /// <summary>Makes <see cref="RunnerImageRequest.Count"/> images from the loaded model; each comes back as a PNG file's bytes.</summary>
    Task<RunnerImageBatch> GenerateImagesAsync(RunnerImageRequest request, CancellationToken cancellationToken);
}

/// <summary>What an image request asks the runner for: the options the in-process generator reads, already resolved.</summary>
public sealed class RunnerImageRequest
{
    /// <summary>How many images.</summary>
    public int Count { get; set; } = 1;

    /// <summary>The noise seed; the parent draws one when the caller gave none, so the request says exactly what it ran.</summary>
    public long Seed { get; set; }

    /// <summary>DDIM steps (diffusion models); null: the model's config.</summary>
    public int? Steps { get; set; }

    /// <summary><c>ddim</c> or <c>ddpm</c> (diffusion models); null: the model's config.</summary>
    public string? Sampler { get; set; }

    /// <summary>DDIM's η (diffusion models); null: the model's config.</summary>
    public double? Eta { get; set; }
}

/// <summary>
/// Generated images as they cross the channel: whole PNG files. The channel's JSON writes each byte array as base64,
/// a third larger than the file; a 28×28 grey PNG is well under a kilobyte, so even 64 of them are a few hundred
/// kilobytes of text, written and read in about a millisecond, against the milliseconds to seconds of sampling.
/// </summary>
public sealed class RunnerImageBatch
{
    /// <summary>Each image's PNG bytes, in order.</summary>
    public byte[][] Images { get; set; } = [];

    /// <summary>The images' width in pixels.</summary>
    public int Width { get; set; }

    /// <summary>The images' height in pixels.</summary>
    public int Height { get; set; }
}

/// <summary>
/// The image side of a runner program, supplied by the program that can run image models (Strata.ImageRunner):
/// <see cref="ModelRunnerHost"/> hands it the <see cref="RunnerRole.Images"/> loads and serves its
/// <see cref="IImageRunner"/> calls. Strata.Models knows nothing of libtorch, so the chat and embedding runner never loads it.
/// </summary>
public interface IRunnerImageModels : IImageRunner, IDisposable
{
    /// <summary>Loads the image model the request names (from the store, or a file on trial); throws when it cannot be loaded.</summary>
    Task<RunnerModelInfo> LoadAsync(RunnerLoadRequest request, CancellationToken cancellationToken);
}
