#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI.
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Strata.Core;
using Strata.Core.Options;
using Strata.Models.Catalog;
using Strata.Models.Store;
using Strata.Synthesis.Architectures;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Sampling;

namespace Strata.Benchmarks.Runners;

/// <summary>
/// An image model in an image runner (Strata.ImageRunner, with libtorch) against the in-process generator: the shipped
/// Fashion-MNIST DCGAN's generator (random weights: loading and sampling cost the same as trained ones), its cold
/// start (runner: spawn, libtorch, weights, first image; in process: libtorch, weights, first image) and batches of 64
/// images, measured in alternating rounds.
/// </summary>
internal static class ImageRunnerBenchmark
{
    private const string Model = "bench-gan";
    private const int Batch = 64;

    public static async Task<IReadOnlyList<BenchmarkResult>> MeasureAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var home = Path.Combine(Path.GetTempPath(), "strata-bench-image-runner-" + Guid.NewGuid().ToString("N"));
        try
        {
            var paths = new StrataPaths(home);
            var store = new ModelStore(paths);
            await StoreRandomGanAsync(store, Path.Combine(home, "export"), cancellationToken);
            await using var catalog = new ModelCatalog(store, new ModelsOptions { Runners = true, IdleSeconds = 3600 }, new TelemetryOptions(), []);

            // In process first: both starts then include loading libtorch into a process that had not loaded it.
            var clock = Stopwatch.StartNew();
            using var local = new TrainedImageGenerator(store, Model);
            await GenerateAsync(local, 1, cancellationToken);
            var coldLocal = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            using var runner = catalog.CreateImageRunner(Model);
            await GenerateAsync(runner, 1, cancellationToken);
            var coldRunner = clock.Elapsed.TotalMilliseconds;
            Console.Error.WriteLine($"runners: image model cold start {coldRunner:0} ms (spawn + libtorch + weights + first image) vs {coldLocal:0} ms in process (libtorch + weights + first image)");

            var (throughRunner, inProcess) = await Measure.AlternatingAsync(options.Rounds,
                () => RateAsync(runner, cancellationToken),
                () => RateAsync(local, cancellationToken));
            return
            [
                new BenchmarkResult("DCGAN images, batch 64 (PNG)", "images/s", throughRunner, "in process (Runners off)", inProcess, null),
                new BenchmarkResult("image model cold start: spawn + load vs load (1 / time)", "1/s", 1000 / coldRunner, "in process (Runners off)", 1000 / coldLocal, null),
            ];
        }
        finally
        {
            if (Directory.Exists(home))
            {
                Directory.Delete(home, recursive: true);
            }
        }
    }

    private static async Task StoreRandomGanAsync(ModelStore store, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var config = SynthesisConfig.Load(Synthesis.TrainerBenchmark.ConfigPath("dcgan-fashion-mnist.json"));
        using (var generator = new DcganGenerator(config))
        {
            generator.save(Path.Combine(folder, GanSampler.WeightsFile));
        }

        await File.WriteAllTextAsync(Path.Combine(folder, TrainedModel.ConfigFile), config.ToJson(), cancellationToken);
        await new ModelImporter(store).ImportAsync(folder, Model, ModelFormat.Torch, cancellationToken: cancellationToken);
    }

    private static async Task<double> RateAsync(IImageGenerator generator, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await GenerateAsync(generator, Batch, cancellationToken);
        return Batch / clock.Elapsed.TotalSeconds;
    }

    private static Task<ImageGenerationResponse> GenerateAsync(IImageGenerator generator, int count, CancellationToken cancellationToken) =>
        generator.GenerateAsync(new ImageGenerationRequest(""), new ImageGenerationOptions { Count = count, AdditionalProperties = new() { ["seed"] = 1L } }, cancellationToken);
}
