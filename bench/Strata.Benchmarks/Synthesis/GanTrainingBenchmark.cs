using System.Diagnostics;
using Strata.Models.Configuration;
using Strata.Synthesis.Architectures;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Training;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Strata.Benchmarks.Synthesis;

/// <summary>
/// Strata's <see cref="GanTrainer"/> against a bare TorchSharp DCGAN loop: the same networks (the shipped
/// dcgan-fashion-mnist config), batch, optimiser and Fashion-MNIST images; the bare loop skips Strata's
/// per-step seeding, diagnostics (D(x), D(G(z)), gradient norms) and NaN checks.
/// </summary>
internal sealed class GanTrainingBenchmark : IBenchmark
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    public string Name => "gan";

    public string Description => "DCGAN training images/s: Strata's trainer vs a bare TorchSharp loop";

    public Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var home = Path.Combine(Path.GetTempPath(), "strata-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new DatasetStore(new StrataPaths(home));
            new DatasetImporter(store).Import(FashionMnist, new DatasetImportOptions("fm", Limit: 4096));
            var images = store.Load("fm");
            var config = SynthesisConfig.Load(ConfigPath());
            var batch = config.Training.BatchSize;
            var steps = options.Quick ? 8 : 20;

            using var trainer = new GanTrainer(config, images);
            using var bare = new BareDcganLoop(config, images);
            trainer.TrainStep(); // warm-up: first-call allocations and kernel selection
            bare.Step();
            var (strata, peer) = Measure.AlternatingAsync(options.Rounds,
                () => Task.FromResult(Rate(() => trainer.TrainStep(), steps, batch)),
                () => Task.FromResult(Rate(bare.Step, steps, batch))).GetAwaiter().GetResult();
            IReadOnlyList<BenchmarkResult> results =
            [
                new($"DCGAN 28×28 Fashion-MNIST, batch {batch}, {torch.get_num_threads()} threads", "images/s", strata, "bare TorchSharp loop", peer, 0.9),
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
            var candidate = Path.Combine(dir.FullName, "configs", "dcgan-fashion-mnist.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("configs/dcgan-fashion-mnist.json not found above the benchmark's folder.");
    }

    /// <summary>The textbook loop: float data prepared once, random batches, BCE on logits, Adam. Nothing else.</summary>
    private sealed class BareDcganLoop : IDisposable
    {
        private readonly Tensor data;
        private readonly DcganGenerator generator;
        private readonly DcganDiscriminator discriminator;
        private readonly optim.Optimizer optG;
        private readonly optim.Optimizer optD;
        private readonly int batch;
        private readonly int latent;

        public BareDcganLoop(SynthesisConfig config, ImageSet images)
        {
            data = tensor(images.Pixels, [images.Count, images.Channels, images.Height, images.Width]).to_type(ScalarType.Float32) / 127.5f - 1f;
            generator = new DcganGenerator(config);
            discriminator = new DcganDiscriminator(config);
            var t = config.Training;
            optG = optim.Adam(generator.parameters(), t.LearningRate, t.Beta1, t.Beta2);
            optD = optim.Adam(discriminator.parameters(), t.LearningRate, t.Beta1, t.Beta2);
            batch = t.BatchSize;
            latent = config.Gan.LatentSize;
        }

        public void Step()
        {
            using var scope = NewDisposeScope();
            var real = data.index_select(0, randint(data.shape[0], [batch]));
            var fake = generator.forward(randn(batch, latent));
            optD.zero_grad();
            var r = discriminator.forward(real);
            var f = discriminator.forward(fake.detach());
            var lossD = binary_cross_entropy_with_logits(r, ones_like(r)) + binary_cross_entropy_with_logits(f, zeros_like(f));
            lossD.backward();
            optD.step();
            optG.zero_grad();
            var s = discriminator.forward(fake);
            binary_cross_entropy_with_logits(s, ones_like(s)).backward();
            optG.step();
        }

        public void Dispose()
        {
            optG.Dispose();
            optD.Dispose();
            generator.Dispose();
            discriminator.Dispose();
            data.Dispose();
        }
    }
}
