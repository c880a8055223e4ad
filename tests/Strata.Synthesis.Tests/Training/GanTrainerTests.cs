using Strata.Synthesis.Configuration;
using Strata.Synthesis.TestSupport;
using Strata.Synthesis.Training;

namespace Strata.Synthesis.Tests.Training;

public sealed class GanTrainerTests
{
    [Fact]
    public void Dcgan_losses_change_and_the_discriminator_learns_to_tell_real_from_fake()
    {
        using var fm = new FashionMnist(limit: 512);
        using var trainer = new GanTrainer(FashionMnist.Small(), fm.Train);
        var steps = Enumerable.Range(0, 30).Select(_ => trainer.TrainStep()).ToList();

        Assert.Equal(30, trainer.Step);
        Assert.All(steps, s => Assert.True(double.IsFinite(s.DiscriminatorLoss) && double.IsFinite(s.GeneratorLoss)));
        Assert.NotEqual(steps[0].GeneratorLoss, steps[^1].GeneratorLoss);
        // At the start D outputs about 0.5 for everything (loss ≈ 2 ln 2 ≈ 1.39); after a few updates it separates the
        // two. A freshly initialised D is not exactly at 0.5 (one full-suite run measured 2.005), hence the margin.
        Assert.InRange(steps[0].DiscriminatorLoss, 1.0, 2.5);
        Assert.True(steps[^5..].Average(s => s.RealScore) > steps[^5..].Average(s => s.FakeScore));
        Assert.All(steps, s => Assert.True(s.DiscriminatorGradNorm > 0 && s.GeneratorGradNorm > 0));
    }

    [Theory]
    [InlineData("dcgan-fashion-mnist.json")]
    [InlineData("wgan-gp-fashion-mnist.json")]
    public void A_resumed_checkpoint_gives_identical_next_step_losses(string file)
    {
        using var fm = new FashionMnist(limit: 256);
        var config = FashionMnist.Small(file, batch: 16);
        var images = fm.Train;

        using var original = new GanTrainer(config, images);
        for (var i = 0; i < 3; i++)
        {
            original.TrainStep();
        }

        using var checkpoint = new MemoryStream();
        original.SaveCheckpoint(checkpoint);
        var expected = Enumerable.Range(0, 3).Select(_ => original.TrainStep()).ToList();

        using var resumed = new GanTrainer(config with { Training = config.Training with { } }, images);
        checkpoint.Position = 0;
        resumed.LoadCheckpoint(checkpoint);
        Assert.Equal(3, resumed.Step);
        var actual = Enumerable.Range(0, 3).Select(_ => resumed.TrainStep()).ToList();

        Assert.Equal(expected, actual);
        // And the run did not just repeat itself: the steps after the checkpoint differ from each other.
        Assert.NotEqual(expected[0].GeneratorLoss, expected[1].GeneratorLoss);
    }

    [Fact]
    public void Wgan_gp_applies_a_gradient_penalty_and_several_critic_steps()
    {
        using var fm = new FashionMnist(limit: 256);
        var config = FashionMnist.Small("wgan-gp-fashion-mnist.json", batch: 16);
        using var trainer = new GanTrainer(config, fm.Train);
        var first = trainer.TrainStep();
        Assert.Equal(16 * 5, trainer.ImagesPerStep);
        Assert.True(first.GradientPenalty > 0, $"penalty {first.GradientPenalty}");
        var later = Enumerable.Range(0, 5).Select(_ => trainer.TrainStep()).Last();
        Assert.NotEqual(first.DiscriminatorLoss, later.DiscriminatorLoss);
    }

    [Fact]
    public void A_diverging_run_stops_with_the_step_and_metric_named()
    {
        using var fm = new FashionMnist(limit: 64);
        var small = FashionMnist.Small(batch: 16);
        // Adam moves every weight by about the learning rate, so 1e38 overflows float32 within two steps.
        var config = small with { Training = small.Training with { LearningRate = 1e38 } };
        using var trainer = new GanTrainer(config, fm.Train);
        var error = Assert.Throws<TrainingDivergedException>(() =>
        {
            for (var i = 0; i < 5; i++)
            {
                trainer.TrainStep();
            }
        });
        Assert.Matches(@"Training diverged at step \d: \w+ is (NaN|∞|-∞|Infinity|-Infinity)", error.Message);
    }

    [Fact]
    public void A_checkpoint_for_another_config_is_refused()
    {
        using var fm = new FashionMnist(limit: 64);
        using var a = new GanTrainer(FashionMnist.Small(batch: 16), fm.Train);
        using var stream = new MemoryStream();
        a.SaveCheckpoint(stream);
        using var b = new GanTrainer(FashionMnist.Small("wgan-gp-fashion-mnist.json", batch: 16), fm.Train);
        stream.Position = 0;
        Assert.Throws<InvalidOperationException>(() => b.LoadCheckpoint(stream));
    }

    [Fact]
    public void Mismatched_dataset_shape_is_explained()
    {
        using var fm = new FashionMnist(limit: 16);
        var config = FashionMnist.Small() with { Image = new ImageShape(32, 1) };
        var error = Assert.Throws<ArgumentException>(() => new GanTrainer(config, fm.Train));
        Assert.Contains("--size 32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configs_with_impossible_shapes_are_rejected()
    {
        var json = File.ReadAllText(RepositoryConfigs.Find("dcgan-fashion-mnist.json"));
        Assert.Contains("multiple of 2^2", Assert.Throws<ArgumentException>(() => SynthesisConfig.Parse(json.Replace("\"size\": 28", "\"size\": 30", StringComparison.Ordinal))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SynthesisConfig.Parse(json.Replace("\"dcgan\"", "\"vae\"", StringComparison.Ordinal)));
        var wgan = File.ReadAllText(RepositoryConfigs.Find("wgan-gp-fashion-mnist.json"));
        Assert.Contains("batch normalisation", Assert.Throws<ArgumentException>(() => SynthesisConfig.Parse(wgan.Replace("\"criticNormalization\": \"none\"", "\"criticNormalization\": \"batch\"", StringComparison.Ordinal))).Message, StringComparison.Ordinal);
    }
}
