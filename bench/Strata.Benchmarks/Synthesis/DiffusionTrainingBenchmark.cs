using System.Diagnostics;
using Strata.Models.Configuration;
using Strata.Synthesis.Architectures;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Diffusion;
using Strata.Synthesis.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Strata.Benchmarks.Synthesis;

/// <summary>
/// Strata's <see cref="DiffusionTrainer"/> against a bare TorchSharp DDPM loop: the same UNet (the shipped
/// ddpm-fashion-mnist config), schedule, batch, optimiser and Fashion-MNIST images; the bare loop skips Strata's
/// per-step seeding, gradient clipping and norm, EMA update and NaN checks.
/// </summary>
internal sealed class DiffusionTrainingBenchmark : IBenchmark
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    public string Name => "ddpm";

    public string Description => "DDPM training images/s: Strata's trainer vs a bare TorchSharp loop";

    public Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var home = Path.Combine(Path.GetTempPath(), "strata-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new DatasetStore(new StrataPaths(home));
            new DatasetImporter(store).Import(FashionMnist, new DatasetImportOptions("fm", Limit: 2048));
            var images = store.Load("fm");
            var config = SynthesisConfig.Load(ConfigPath());
            var batch = config.Training.BatchSize;
            var steps = options.Quick ? 3 : 8;

            using var trainer = new DiffusionTrainer(config, images);
            using var bare = new BareDdpmLoop(config, images);
            trainer.TrainStep(); // warm-up: first-call allocations and kernel selection
            bare.Step();
            var (strata, peer) = Measure.AlternatingAsync(options.Rounds,
                () => Task.FromResult(Rate(() => trainer.TrainStep(), steps, batch)),
                () => Task.FromResult(Rate(bare.Step, steps, batch))).GetAwaiter().GetResult();
            IReadOnlyList<BenchmarkResult> results =
            [
                new($"DDPM UNet 28×28 Fashion-MNIST, batch {batch}, {torch.get_num_threads()} threads", "images/s", strata, "bare TorchSharp loop", peer, 0.9),
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

    private static string ConfigPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "configs", "ddpm-fashion-mnist.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("configs/ddpm-fashion-mnist.json not found above the benchmark's folder.");
    }

    /// <summary>The textbook loop: float data prepared once, random batches and timesteps, ε-MSE, Adam. Nothing else.</summary>
    private sealed class BareDdpmLoop : IDisposable
    {
        private readonly Tensor data;
        private readonly UNet network;
        private readonly optim.Optimizer optimizer;
        private readonly Tensor sqrtAlphaBar;
        private readonly Tensor sqrtOneMinusAlphaBar;
        private readonly int batch;
        private readonly int timesteps;

        public BareDdpmLoop(SynthesisConfig config, ImageSet images)
        {
            data = tensor(images.Pixels, [images.Count, images.Channels, images.Height, images.Width]).to_type(ScalarType.Float32) / 127.5f - 1f;
            network = new UNet(config);
            var t = config.Training;
            optimizer = optim.Adam(network.parameters(), t.LearningRate, t.Beta1, t.Beta2);
            var schedule = NoiseSchedule.Create(config.Ddpm.Schedule, config.Ddpm.Timesteps);
            sqrtAlphaBar = tensor(schedule.AlphaBars.Select(a => (float)Math.Sqrt(a)).ToArray());
            sqrtOneMinusAlphaBar = tensor(schedule.AlphaBars.Select(a => (float)Math.Sqrt(1 - a)).ToArray());
            batch = t.BatchSize;
            timesteps = config.Ddpm.Timesteps;
        }

        public void Step()
        {
            using var scope = NewDisposeScope();
            var x0 = data.index_select(0, randint(data.shape[0], [batch]));
            var t = randint(0, timesteps, [batch], dtype: ScalarType.Int64);
            var noise = randn_like(x0);
            var xt = sqrtAlphaBar.index_select(0, t).view(batch, 1, 1, 1) * x0 + sqrtOneMinusAlphaBar.index_select(0, t).view(batch, 1, 1, 1) * noise;
            optimizer.zero_grad();
            nn.functional.mse_loss(network.forward(xt, t), noise).backward();
            optimizer.step();
        }

        public void Dispose()
        {
            optimizer.Dispose();
            network.Dispose();
            sqrtAlphaBar.Dispose();
            sqrtOneMinusAlphaBar.Dispose();
            data.Dispose();
        }
    }
}
