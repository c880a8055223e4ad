using System.Text;
using Strata.Synthesis.Architectures;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Runtime;
using Strata.Synthesis.Sampling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Strata.Synthesis.Training;

/// <summary>
/// Trains a DCGAN (non-saturating loss) or a WGAN-GP (Wasserstein loss, gradient penalty, several critic updates per
/// generator update) one step at a time.
/// </summary>
/// <remarks>
/// Every random draw of step k comes from the global generator reseeded with (seed, k), and the data order of an
/// epoch from <see cref="Random"/> seeded with (seed, epoch). The random state is therefore a function of the saved
/// step, which is what makes a resumed run take exactly the steps the uninterrupted run would have taken.
/// </remarks>
public sealed class GanTrainer : IImageModelTrainer
{
    private const string CheckpointMagic = "STRATA-GAN-CHECKPOINT-1";
    private readonly TrainingBatches batches;
    private readonly Adam generatorOptimizer;
    private readonly Adam discriminatorOptimizer;

    /// <summary>Builds both networks and their optimisers; <paramref name="images"/> must match the config's image shape.</summary>
    public GanTrainer(SynthesisConfig config, ImageSet images)
    {
        ArgumentNullException.ThrowIfNull(config);
        TorchRuntime.EnsureAvailable();
        _ = config.Gan;
        batches = new TrainingBatches(config, images);
        Config = config;
        BatchSize = batches.BatchSize;
        random.manual_seed(config.Training.Seed);
        Generator = new DcganGenerator(config);
        Discriminator = new DcganDiscriminator(config);
        var t = config.Training;
        generatorOptimizer = optim.Adam(Generator.parameters(), t.LearningRate, t.Beta1, t.Beta2);
        discriminatorOptimizer = optim.Adam(Discriminator.parameters(), t.LearningRate, t.Beta1, t.Beta2);
    }

    /// <summary>The configuration being trained.</summary>
    public SynthesisConfig Config { get; }

    /// <summary>The generator.</summary>
    public DcganGenerator Generator { get; }

    /// <summary>The discriminator (critic).</summary>
    public DcganDiscriminator Discriminator { get; }

    /// <summary>Generator steps taken so far.</summary>
    public long Step { get; private set; }

    /// <summary>Real images per discriminator update (the config's batch, or the whole dataset when smaller).</summary>
    public int BatchSize { get; }

    /// <summary>Real images consumed per generator step.</summary>
    public int ImagesPerStep => BatchSize * (Config.IsWasserstein ? Config.Training.CriticSteps : 1);

    /// <summary>Takes one generator step (and its discriminator updates).</summary>
    /// <exception cref="TrainingDivergedException">A loss is NaN or infinite.</exception>
    public StepMetrics TrainStep()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(Config.Training.Seed * 1_000_003 + Step);
        Generator.train();
        Discriminator.train();
        var metrics = Config.IsWasserstein ? WassersteinStep() : DcganStep();
        Step++;
        Checkpoint.ThrowIfDiverged(Step, metrics.ToDictionary());
        return metrics with { Step = Step };
    }

    /// <inheritdoc/>
    IReadOnlyDictionary<string, double> IImageModelTrainer.TrainStep() => TrainStep().ToDictionary();

    /// <inheritdoc/>
    public ImageSet Sample(int count, long seed) => GanSampler.Sample(Generator, Config, count, seed);

    /// <inheritdoc/>
    public (string FileName, Action<Stream> Write) ExportedWeights => (GanSampler.WeightsFile, stream =>
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        Generator.save(writer);
    });

    private StepMetrics DcganStep()
    {
        var real = NextBatch(Step);
        var z = randn(BatchSize, Config.Gan.LatentSize);
        var fake = Generator.forward(z);

        discriminatorOptimizer.zero_grad();
        var realLogits = Discriminator.forward(real);
        var fakeLogits = Discriminator.forward(fake.detach());
        var lossD = binary_cross_entropy_with_logits(realLogits, ones_like(realLogits))
            + binary_cross_entropy_with_logits(fakeLogits, zeros_like(fakeLogits));
        lossD.backward();
        var gradD = Gradients.Norm(Discriminator);
        discriminatorOptimizer.step();

        // Non-saturating loss: maximise log D(G(z)) rather than minimise log(1 − D(G(z))), whose gradient vanishes early.
        generatorOptimizer.zero_grad();
        var scored = Discriminator.forward(fake);
        var lossG = binary_cross_entropy_with_logits(scored, ones_like(scored));
        lossG.backward();
        var gradG = Gradients.Norm(Generator);
        generatorOptimizer.step();

        return new StepMetrics(0, lossD.item<float>(), lossG.item<float>(),
            realLogits.sigmoid().mean().item<float>(), fakeLogits.sigmoid().mean().item<float>(), gradD, gradG, 0);
    }

    private StepMetrics WassersteinStep()
    {
        var criticSteps = Config.Training.CriticSteps;
        double lossSum = 0, realSum = 0, fakeSum = 0, penaltySum = 0, gradD = 0;
        for (var k = 0; k < criticSteps; k++)
        {
            var real = NextBatch(Step * criticSteps + k);
            Tensor fake;
            using (no_grad())
            {
                fake = Generator.forward(randn(BatchSize, Config.Gan.LatentSize));
            }

            discriminatorOptimizer.zero_grad();
            var realScore = Discriminator.forward(real).mean();
            var fakeScore = Discriminator.forward(fake).mean();
            var penalty = GradientPenalty(real, fake);
            var loss = fakeScore - realScore + Config.Training.GradientPenalty * penalty;
            loss.backward();
            gradD = Gradients.Norm(Discriminator);
            discriminatorOptimizer.step();
            lossSum += loss.item<float>();
            realSum += realScore.item<float>();
            fakeSum += fakeScore.item<float>();
            penaltySum += penalty.item<float>();
        }

        generatorOptimizer.zero_grad();
        var lossG = -Discriminator.forward(Generator.forward(randn(BatchSize, Config.Gan.LatentSize))).mean();
        lossG.backward();
        var gradG = Gradients.Norm(Generator);
        generatorOptimizer.step();
        return new StepMetrics(0, lossSum / criticSteps, lossG.item<float>(), realSum / criticSteps, fakeSum / criticSteps, gradD, gradG, penaltySum / criticSteps);
    }

    // Gulrajani et al. (2017): push the critic's gradient norm towards 1 on random interpolations of real and fake.
    private Tensor GradientPenalty(Tensor real, Tensor fake)
    {
        var alpha = rand(real.shape[0], 1, 1, 1);
        var mixed = (alpha * real + (1 - alpha) * fake).detach().requires_grad_(true);
        var scores = Discriminator.forward(mixed);
        var gradients = torch.autograd.grad([scores], [mixed], [ones_like(scores)], retain_graph: true, create_graph: true)[0];
        return (gradients.flatten(1).norm(1, false, 2) - 1).pow(2).mean();
    }

    private Tensor NextBatch(long batch) => batches.Get(batch);

    /// <summary>Writes networks, optimiser states and the step to <paramref name="stream"/>.</summary>
    public void SaveCheckpoint(Stream stream)
    {
        using var writer = Checkpoint.WriteHeader(stream, CheckpointMagic, Config, Step);
        Generator.save(writer);
        Discriminator.save(writer);
        generatorOptimizer.save_state_dict(writer);
        discriminatorOptimizer.save_state_dict(writer);
    }

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint"/> for the same configuration.</summary>
    public void LoadCheckpoint(Stream stream)
    {
        var (reader, step) = Checkpoint.ReadHeader(stream, CheckpointMagic, Config);
        using (reader)
        {
            Step = step;
            Generator.load(reader);
            Discriminator.load(reader);
            generatorOptimizer.load_state_dict(reader);
            discriminatorOptimizer.load_state_dict(reader);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        generatorOptimizer.Dispose();
        discriminatorOptimizer.Dispose();
        Generator.Dispose();
        Discriminator.Dispose();
        batches.Dispose();
    }
}
