using System.CommandLine;
using System.Globalization;
using Strata.Cli.Output;
using Strata.Monitoring.Runs;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Evaluation;
using Strata.Synthesis.Sampling;

namespace Strata.Cli.Commands;

/// <summary><c>strata eval fid</c>: scores a trained image model against a dataset.</summary>
internal static class EvalCommand
{
    public static Command Create() => new("eval", "Evaluate retrieval quality and trained image models") { EvalRetrievalCommand.Create(), Fid() };

    private static Command Fid()
    {
        var model = new Option<string>("--model", "-m") { Description = "A model trained by strata train (GAN or DDPM)", Required = true };
        var dataset = new Option<string>("--dataset") { Description = "The reference dataset", Required = true };
        var samples = new Option<int>("--samples") { Description = "Images per side (compare scores only at equal N)", DefaultValueFactory = _ => 1000 };
        var seed = new Option<long>("--seed") { Description = "Seed for the generated images", DefaultValueFactory = _ => 0 };
        var kid = new Option<bool>("--kid") { Description = "Also compute KID (unbiased, cubic polynomial kernel) on the same features" };
        var domain = new Option<bool>("--domain") { Description = "Also score on the features of a classifier trained on the dataset (trained and cached on first use)" };
        var classifierEpochs = new Option<int>("--classifier-epochs") { Description = "Epochs for the domain classifier when it is trained", DefaultValueFactory = _ => 2 };
        var steps = new Option<int?>("--steps") { Description = "DDIM steps for diffusion models (default: the config's)" };
        var sampler = new Option<string?>("--sampler") { Description = "Diffusion sampler: ddim or ddpm (default: the config's)" };
        var noLog = new Option<bool>("--no-log") { Description = "Do not log the scores to the model's training run" };
        var json = CliOptions.Json();
        var command = new Command("fid", "Fréchet distance on ResNet18 features (FID-ResNet18; not comparable with Inception FID), optionally a domain-classifier score and KID")
        {
            model, dataset, samples, seed, kid, domain, classifierEpochs, steps, sampler, noLog, json,
        };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var context = CliContext.Create(parse);
            var n = parse.GetValue(samples);
            if (n < 2)
            {
                throw new CliUsageException("--samples must be at least 2.");
            }

            var epochs = parse.GetValue(classifierEpochs);
            if (epochs is < 1 or > 100)
            {
                throw new CliUsageException("--classifier-epochs must be 1..100.");
            }

            var name = parse.GetRequiredValue(model);
            var data = parse.GetRequiredValue(dataset);
            var withKid = parse.GetValue(kid);
            var quiet = parse.GetValue(json);
            var datasets = context.Get<DatasetStore>();
            using var loaded = TrainedModel.Load(context.Store, name);
            var options = new SamplingOptions(parse.GetValue(sampler), parse.GetValue(steps));
            var generated = loaded.Sample(n, parse.GetValue(seed), options);
            using var features = new ResNet18Features();
            var evaluator = new FidEvaluator(datasets, features);
            var results = new List<FidResult> { evaluator.Evaluate(generated, data, withKid) };
            double? accuracy = null;
            if (parse.GetValue(domain))
            {
                var progress = new Progress<string>(line => { if (!quiet) { Console.Error.WriteLine(line); } });
                using var classifier = DomainClassifier.LoadOrTrain(datasets, data, new ClassifierTrainingOptions(Epochs: epochs), progress);
                accuracy = classifier.TestAccuracy;
                results.Add(FidEvaluator.EvaluateDomain(generated, evaluator.ReferenceImages(data, n), data, classifier, withKid));
            }

            var runId = TrainedModel.TrainingRunOf(context.Store, name);
            IReadOnlyList<string> logged = [];
            if (runId is not null && !parse.GetValue(noLog))
            {
                var extra = accuracy is { } a ? new Dictionary<string, double> { ["classifier-test-accuracy"] = a } : null;
                logged = EvaluationRunLog.Log(context.Get<RunStore>(), runId, TrainedModel.StepOf(context.Store, name), results, extra);
            }

            var report = new
            {
                model = name, dataset = data, samples = n, seed = parse.GetValue(seed), architecture = loaded.Config.Architecture,
                sampler = loaded.Config.IsDiffusion ? DescribeSampler(loaded, options) : null,
                scores = results, classifierTestAccuracy = accuracy, trainingRun = runId, loggedMetrics = logged,
            };
            if (quiet)
            {
                return JsonOutput.Write(report);
            }

            foreach (var r in results)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Metric}: {r.Score:F1} (N = {r.Samples} a side, reference '{r.Dataset}'){(r.Kid is { } k ? $"; KID {k:F4}" : "")}"));
            }

            if (accuracy is { } acc)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Domain classifier test accuracy: {acc:P1}"));
            }

            if (logged.Count > 0)
            {
                Console.WriteLine($"Logged to training run {runId} ({string.Join(", ", logged)}).");
            }

            return 0;
        }));
        return command;
    }

    private static string DescribeSampler(IImageSampler loaded, SamplingOptions options)
    {
        var d = loaded.Config.Ddpm;
        var kind = options.Sampler ?? (options.Steps is not null ? "ddim" : d.Sampler);
        return kind == "ddpm" ? $"ddpm ({d.Timesteps} steps)" : string.Create(CultureInfo.InvariantCulture, $"ddim ({options.Steps ?? d.SamplingSteps} steps, eta {options.Eta ?? d.Eta})");
    }
}
