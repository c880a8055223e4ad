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
internal sealed class GanTrainingBenchmark : TrainerBenchmark
{
    public override string Name => "gan";

    public override string Description => "DCGAN training images/s: Strata's trainer vs a bare TorchSharp loop";

    protected override string ConfigFile => "dcgan-fashion-mnist.json";

    protected override string Workload => "DCGAN 28×28 Fashion-MNIST";

    protected override int Images => 4096;

    protected override int Steps(bool quick) => quick ? 8 : 20;

    protected override IImageModelTrainer CreateTrainer(SynthesisConfig config, ImageSet images) => new GanTrainer(config, images);

    protected override IBareLoop CreateBareLoop(SynthesisConfig config, ImageSet images) => new BareDcganLoop(config, images);

    /// <summary>The textbook loop: float data prepared once, random batches, BCE on logits, Adam. Nothing else.</summary>
    private sealed class BareDcganLoop : IBareLoop
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
