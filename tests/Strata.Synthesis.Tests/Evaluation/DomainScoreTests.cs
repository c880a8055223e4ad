using Strata.Monitoring.Runs;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Evaluation;
using Strata.Synthesis.Sampling;
using Strata.Synthesis.Training;

namespace Strata.Synthesis.Tests.Evaluation;

public sealed class DomainScoreTests
{
    [Fact]
    public void The_classifier_learns_well_above_chance_and_is_cached_with_its_accuracy()
    {
        using var fm = new FashionMnist(limit: 2048);
        var options = new ClassifierTrainingOptions(Epochs: 2, BatchSize: 64);
        using var classifier = DomainClassifier.LoadOrTrain(fm.Store, "fm", options);
        // Ten classes: chance is 10 %. Two epochs on 2,048 images reach about 70 % here.
        Assert.InRange(classifier.TestAccuracy, 0.4, 1.0);
        Assert.Equal("FID-fm-classifier", classifier.MetricName);

        using var cached = DomainClassifier.LoadOrTrain(fm.Store, "fm", options);
        Assert.Equal(classifier.TestAccuracy, cached.TestAccuracy);
        var test = fm.Store.Load("fm", test: true);
        Assert.Equal(classifier.AccuracyOn(test), cached.AccuracyOn(test));
        var features = cached.Extract(test.Take(5));
        Assert.Equal(5 * DomainClassifier.Dimensions, features.Length);
    }

    [Fact]
    public void Kid_of_real_against_real_is_below_real_against_noise_on_both_feature_spaces()
    {
        const int n = 40;
        using var fm = new FashionMnist(limit: 1024);
        var real = fm.Store.Load("fm", test: true).Take(n);
        var otherReal = fm.Train.Take(n);
        var random = new Random(5);
        var noisePixels = new byte[n * 28 * 28];
        random.NextBytes(noisePixels);
        var noise = new ImageSet(noisePixels, n, 1, 28, 28);

        using var resnet = new ResNet18Features();
        var (a, b, c) = (resnet.Extract(real), resnet.Extract(otherReal), resnet.Extract(noise));
        var realKid = FrechetDistance.KernelInceptionDistance(a, b, ResNet18Features.Dimensions);
        var noiseKid = FrechetDistance.KernelInceptionDistance(a, c, ResNet18Features.Dimensions);
        Assert.True(realKid < noiseKid, $"real-vs-real {realKid:F4}, real-vs-noise {noiseKid:F4}");

        using var classifier = DomainClassifier.Train(fm.Train, null, "fm", new ClassifierTrainingOptions(Epochs: 1, BatchSize: 64));
        var sameDomain = FidEvaluator.EvaluateDomain(otherReal, real, "fm", classifier, kid: true);
        var noiseDomain = FidEvaluator.EvaluateDomain(noise, real, "fm", classifier, kid: true);
        Assert.True(sameDomain.Kid < noiseDomain.Kid, $"real-vs-real {sameDomain.Kid:F4}, real-vs-noise {noiseDomain.Kid:F4}");
        Assert.True(sameDomain.Score < noiseDomain.Score);
    }

    [Fact]
    public async Task Evaluation_scores_are_logged_into_the_run_that_trained_the_model()
    {
        using var fm = new FashionMnist(limit: 256);
        var runs = new RunStore(fm.Paths.Runs);
        var run = new TrainingRun(fm.Paths, new Strata.Synthesis.Datasets.DatasetStore(fm.Paths), new Strata.Models.Store.ModelStore(fm.Paths));
        IRun? tracked = null;
        var outcome = await run.RunAsync(FashionMnist.SmallDdpm(), "fm", "logged", maxSteps: 3, log: (files, resumeStep) =>
        {
            tracked = TrackedTrainingLog.StartOrResume(runs, run.FolderOf("logged"), "logged", new { }, resumeStep);
            return new TrackedTrainingLog(files, tracked);
        });
        tracked!.Finish();
        tracked.Dispose();

        var store = new Strata.Models.Store.ModelStore(fm.Paths);
        var runId = TrainedModel.TrainingRunOf(store, "logged");
        Assert.Equal(tracked.Id, runId);
        Assert.Equal(3, TrainedModel.StepOf(store, "logged"));

        using var sampler = TrainedModel.Load(store, "logged");
        using var classifier = DomainClassifier.Train(fm.Train, null, "fm", new ClassifierTrainingOptions(Epochs: 1, BatchSize: 32));
        var generated = sampler.Sample(16, seed: 1, new SamplingOptions(Steps: 3));
        var score = FidEvaluator.EvaluateDomain(generated, fm.Train.Take(16), "fm", classifier, kid: true);
        var logged = EvaluationRunLog.Log(runs, runId!, outcome.Step, [score], new Dictionary<string, double> { ["classifier-test-accuracy"] = classifier.TestAccuracy });

        Assert.Contains("eval/fid-fm-classifier", logged);
        var summaries = runs.Summaries(runId!).ToDictionary(s => s.Name);
        Assert.Equal(score.Score, summaries["eval/fid-fm-classifier"].Last, 6);
        Assert.Equal(score.Kid!.Value, summaries["eval/kid-fm-classifier"].Last, 6);
        Assert.Equal(3, summaries["eval/fid-fm-classifier"].LastStep);
        Assert.True(summaries.ContainsKey("loss"));
        Assert.Equal(RunStatus.Finished, runs.Get(runId!).Status);
    }
}
