using System.Text;
using Strata.Synthesis.Architectures;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Runtime;
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
public sealed class GanTrainer : IDisposable
{
    private const string CheckpointMagic = "STRATA-GAN-CHECKPOINT-1";
    private readonly Tensor data;
    private readonly int count;
    private readonly Adam generatorOptimizer;
    private readonly Adam discriminatorOptimizer;
    private int[]? epochOrder;
    private long orderEpoch = -1;

    /// <summary>Builds both networks and their optimisers; <paramref name="images"/> must match the config's image shape.</summary>
    public GanTrainer(SynthesisConfig config, ImageSet images)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(images);
        TorchRuntime.EnsureAvailable();
        if (images.Channels != config.Image.Channels || images.Height != config.Image.Size || images.Width != config.Image.Size)
        {
            throw new ArgumentException(
                $"The dataset's images are {images.Channels}×{images.Height}×{images.Width}; config '{config.Name}' expects {config.Image.Channels}×{config.Image.Size}×{config.Image.Size}. Import it with --size {config.Image.Size}{(config.Image.Channels == 1 ? " --grayscale" : "")}.");
        }

        if (images.Count == 0)
        {
            throw new ArgumentException("The dataset has no training images.");
        }

        Config = config;
        count = images.Count;
        BatchSize = Math.Min(config.Training.BatchSize, count);
        data = tensor(images.Pixels, [images.Count, images.Channels, images.Height, images.Width]);
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
        foreach (var (name, value) in metrics.ToDictionary())
        {
            if (!double.IsFinite(value))
            {
                throw new TrainingDivergedException(
                    $"Training diverged at step {Step}: {name} is {value}. The last checkpoint is intact; lower training.learningRate or change the seed and resume or restart.");
            }
        }

        return metrics with { Step = Step };
    }

    private StepMetrics DcganStep()
    {
        var real = NextBatch(Step);
        var z = randn(BatchSize, Config.Model.LatentSize);
        var fake = Generator.forward(z);

        discriminatorOptimizer.zero_grad();
        var realLogits = Discriminator.forward(real);
        var fakeLogits = Discriminator.forward(fake.detach());
        var lossD = binary_cross_entropy_with_logits(realLogits, ones_like(realLogits))
            + binary_cross_entropy_with_logits(fakeLogits, zeros_like(fakeLogits));
        lossD.backward();
        var gradD = GradNorm(Discriminator);
        discriminatorOptimizer.step();

        // Non-saturating loss: maximise log D(G(z)) rather than minimise log(1 − D(G(z))), whose gradient vanishes early.
        generatorOptimizer.zero_grad();
        var scored = Discriminator.forward(fake);
        var lossG = binary_cross_entropy_with_logits(scored, ones_like(scored));
        lossG.backward();
        var gradG = GradNorm(Generator);
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
                fake = Generator.forward(randn(BatchSize, Config.Model.LatentSize));
            }

            discriminatorOptimizer.zero_grad();
            var realScore = Discriminator.forward(real).mean();
            var fakeScore = Discriminator.forward(fake).mean();
            var penalty = GradientPenalty(real, fake);
            var loss = fakeScore - realScore + Config.Training.GradientPenalty * penalty;
            loss.backward();
            gradD = GradNorm(Discriminator);
            discriminatorOptimizer.step();
            lossSum += loss.item<float>();
            realSum += realScore.item<float>();
            fakeSum += fakeScore.item<float>();
            penaltySum += penalty.item<float>();
        }

        generatorOptimizer.zero_grad();
        var lossG = -Discriminator.forward(Generator.forward(randn(BatchSize, Config.Model.LatentSize))).mean();
        lossG.backward();
        var gradG = GradNorm(Generator);
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

    /// <summary>Real images for batch number <paramref name="batch"/>, scaled to [-1, 1], flipped at random when configured.</summary>
    private Tensor NextBatch(long batch)
    {
        var perEpoch = count / BatchSize;
        var epoch = batch / perEpoch;
        if (epoch != orderEpoch)
        {
            epochOrder = [.. Enumerable.Range(0, count)];
            new Random(HashCode.Combine(Config.Training.Seed, epoch)).Shuffle(epochOrder);
            orderEpoch = epoch;
        }

        var start = (int)(batch % perEpoch) * BatchSize;
        var indices = tensor(epochOrder.AsSpan(start, BatchSize).ToArray().Select(i => (long)i).ToArray());
        var images = data.index_select(0, indices).to_type(ScalarType.Float32) / 127.5f - 1f;
        if (Config.Training.Flip)
        {
            var flip = rand(BatchSize, 1, 1, 1) < 0.5;
            images = where(flip, images.flip(3), images);
        }

        return images;
    }

    private static double GradNorm(nn.Module module)
    {
        double sum = 0;
        foreach (var parameter in module.parameters())
        {
            if (parameter.grad is { } grad)
            {
                sum += grad.pow(2).sum().item<float>();
            }
        }

        return Math.Sqrt(sum);
    }

    /// <summary>Writes networks, optimiser states and the step to <paramref name="stream"/>.</summary>
    public void SaveCheckpoint(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(CheckpointMagic);
        writer.Write(Config.ToJson());
        writer.Write(Step);
        Generator.save(writer);
        Discriminator.save(writer);
        generatorOptimizer.save_state_dict(writer);
        discriminatorOptimizer.save_state_dict(writer);
    }

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint"/> for the same configuration.</summary>
    public void LoadCheckpoint(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadString() != CheckpointMagic)
        {
            throw new InvalidDataException("Not a Strata GAN checkpoint.");
        }

        var saved = SynthesisConfig.Parse(reader.ReadString(), "the checkpoint's config");
        if (saved.ToJson() != Config.ToJson())
        {
            throw new InvalidOperationException($"The checkpoint was written for a different configuration ('{saved.Name}'); resume with the run's own config.");
        }

        Step = reader.ReadInt64();
        Generator.load(reader);
        Discriminator.load(reader);
        generatorOptimizer.load_state_dict(reader);
        discriminatorOptimizer.load_state_dict(reader);
    }

    /// <summary>Reads the configuration stored in a checkpoint without loading the weights.</summary>
    public static SynthesisConfig ReadCheckpointConfig(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        return reader.ReadString() == CheckpointMagic ? SynthesisConfig.Parse(reader.ReadString(), "the checkpoint's config")
            : throw new InvalidDataException("Not a Strata GAN checkpoint.");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        generatorOptimizer.Dispose();
        discriminatorOptimizer.Dispose();
        Generator.Dispose();
        Discriminator.Dispose();
        data.Dispose();
    }
}
