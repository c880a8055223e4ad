using System.Diagnostics;
using Strata.Core;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Training;
using TorchSharp;

namespace Strata.Benchmarks.Synthesis;

/// <summary>
/// Images per second of one of Strata's trainers against a bare TorchSharp loop on the same shipped config, batch,
/// optimiser and Fashion-MNIST images, measured in alternating rounds. Subclasses name the config and build both sides.
/// </summary>
internal abstract class TrainerBenchmark : IBenchmark
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    public abstract string Name { get; }

    public abstract string Description { get; }

    /// <summary>The shipped config under configs/ that both sides train.</summary>
    protected abstract string ConfigFile { get; }

    /// <summary>What the result row calls the workload (the batch and thread count are appended).</summary>
    protected abstract string Workload { get; }

    /// <summary>How many Fashion-MNIST images to train on.</summary>
    protected abstract int Images { get; }

    /// <summary>Steps per round, quick or full.</summary>
    protected abstract int Steps(bool quick);

    protected abstract IImageModelTrainer CreateTrainer(SynthesisConfig config, ImageSet images);

    protected abstract IBareLoop CreateBareLoop(SynthesisConfig config, ImageSet images);

    public Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var home = Path.Combine(Path.GetTempPath(), "strata-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new DatasetStore(new StrataPaths(home));
            new DatasetImporter(store).Import(FashionMnist, new DatasetImportOptions("fm", Limit: Images));
            var images = store.Load("fm");
            var config = SynthesisConfig.Load(ConfigPath(ConfigFile));
            var batch = config.Training.BatchSize;
            var steps = Steps(options.Quick);

            using var trainer = CreateTrainer(config, images);
            using var bare = CreateBareLoop(config, images);
            trainer.TrainStep(); // warm-up: first-call allocations and kernel selection
            bare.Step();
            var (strata, peer) = Measure.AlternatingAsync(options.Rounds,
                () => Task.FromResult(Rate(() => trainer.TrainStep(), steps, batch)),
                () => Task.FromResult(Rate(bare.Step, steps, batch))).GetAwaiter().GetResult();
            IReadOnlyList<BenchmarkResult> results =
            [
                new($"{Workload}, batch {batch}, {torch.get_num_threads()} threads", "images/s", strata, "bare TorchSharp loop", peer, 0.9),
            ];
            return Task.FromResult(results);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static double Rate(Action step, int steps, int batch)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            step();
        }

        return steps * batch / clock.Elapsed.TotalSeconds;
    }

    internal static string ConfigPath(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "configs", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"configs/{file} not found above the benchmark's folder.");
    }

    /// <summary>The peer: one textbook training step, nothing else.</summary>
    protected interface IBareLoop : IDisposable
    {
        void Step();
    }
}
