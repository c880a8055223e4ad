using Strata.Core;
using Strata.Models.Runners;
using Strata.Models.Store;

namespace Strata.Synthesis.Sampling;

/// <summary>
/// The image side of the image runner program (Strata.ImageRunner): loads a trained model into the in-process
/// <see cref="TrainedImageGenerator"/>, unchanged, and answers <see cref="IImageRunner"/> calls with its PNGs, so a
/// runner's images are byte for byte those made in process. Only this program loads libtorch; a libtorch abort on a
/// bad checkpoint ends it, not the server.
/// </summary>
public sealed class TrainedImageRunner : IRunnerImageModels
{
    private TrainedImageGenerator? generator;

    /// <inheritdoc />
    public Task<RunnerModelInfo> LoadAsync(RunnerLoadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (generator is not null)
        {
            throw new InvalidOperationException("The runner has a model loaded already.");
        }

        // A folder outside the store is an exported model on trial before import; otherwise the stored model.
        generator = request.Path is { } folder
            ? TrainedImageGenerator.FromFolder(folder, request.Name)
            : new TrainedImageGenerator(new ModelStore(new StrataPaths(request.Home ?? throw new ArgumentException("a stored model needs the Strata home", nameof(request)))), request.Name);
        if (request.Path is not null)
        {
            // A trial samples one image too: a checkpoint whose tensors load but do not fit the architecture fails (or aborts) here.
            generator.GeneratePngs(1, 0, new SamplingOptions(Steps: generator.Config.IsDiffusion ? 1 : null));
        }

        return Task.FromResult(new RunnerModelInfo { ProcessId = Environment.ProcessId, ProviderName = "torchsharp" });
    }

    /// <inheritdoc />
    public Task<RunnerImageBatch> GenerateImagesAsync(RunnerImageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var model = generator ?? throw new InvalidOperationException("the runner has no image model loaded");
        // Off the channel's reading loop, so other requests (and cancellations) are read while this one samples.
        return Task.Run(() =>
        {
            var pngs = model.GeneratePngs(request.Count, request.Seed, new SamplingOptions(request.Sampler, request.Steps, request.Eta));
            var size = model.Config.Image.Size;
            return new RunnerImageBatch { Images = [.. pngs], Width = size, Height = size };
        }, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => generator?.Dispose();
}
