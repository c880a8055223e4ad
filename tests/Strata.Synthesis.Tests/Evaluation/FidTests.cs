using Strata.Synthesis.Evaluation;
using Strata.Synthesis.Sampling;
using Strata.Synthesis.Training;

namespace Strata.Synthesis.Tests.Evaluation;

public sealed class FidTests
{
    [Fact]
    public void Frechet_distance_is_zero_for_identical_sets_and_grows_with_a_shift()
    {
        var random = new Random(3);
        var a = Enumerable.Range(0, 200 * 4).Select(_ => (float)random.NextDouble()).ToArray();
        Assert.Equal(0, FrechetDistance.Compute(a, a, 4), 6);
        var shifted = a.Select(v => v + 2f).ToArray();
        // Same covariance, means 2 apart in each of 4 dimensions: distance = 4 × 2².
        Assert.Equal(16, FrechetDistance.Compute(a, shifted, 4), 4);
        Assert.True(FrechetDistance.KernelInceptionDistance(a, shifted, 4) > FrechetDistance.KernelInceptionDistance(a, a.Reverse().ToArray(), 4));
    }

    // 150 small-batch steps (a sixth of an epoch) and 64 samples a side keep this to seconds of training; measured
    // here: untrained about 1,180, trained about 910 at N = 64 (the 1/N bias floor is high, so only the order is tested).
    [Fact]
    public void A_briefly_trained_dcgan_beats_an_untrained_generator_on_fid_resnet18()
    {
        const int samples = 64;
        using var fm = new FashionMnist(limit: 2048);
        var config = FashionMnist.Small(batch: 64);
        using var features = new ResNet18Features();
        var evaluator = new FidEvaluator(fm.Store, features);

        using var untrained = GanSampler.Untrained(config, seed: 1);
        var baseline = evaluator.Evaluate(untrained.Sample(samples, seed: 7), "fm");

        using var trainer = new GanTrainer(config, fm.Train);
        for (var i = 0; i < 150; i++)
        {
            trainer.TrainStep();
        }

        var trained = evaluator.Evaluate(GanSampler.Sample(trainer.Generator, config, samples, seed: 7), "fm", kid: true);
        Assert.Equal("FID-ResNet18", trained.Metric);
        Assert.Equal(samples, trained.Samples);
        Assert.NotNull(trained.Kid);
        Assert.True(trained.Score < baseline.Score, $"trained {trained.Score:F1} vs untrained {baseline.Score:F1} at N={samples}");
    }
}
