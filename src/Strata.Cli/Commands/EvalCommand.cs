using System.CommandLine;
using System.Globalization;
using Strata.Cli.Output;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Evaluation;
using Strata.Synthesis.Sampling;

namespace Strata.Cli.Commands;

/// <summary><c>strata eval fid</c>: scores a trained generator against a dataset.</summary>
internal static class EvalCommand
{
    public static Command Create() => new("eval", "Evaluate retrieval quality and trained image models") { EvalRetrievalCommand.Create(), Fid() };

    private static Command Fid()
    {
        var model = new Option<string>("--model", "-m") { Description = "A model trained by strata train", Required = true };
        var dataset = new Option<string>("--dataset") { Description = "The reference dataset", Required = true };
        var samples = new Option<int>("--samples") { Description = "Images per side (compare scores only at equal N)", DefaultValueFactory = _ => 1000 };
        var seed = new Option<long>("--seed") { Description = "Seed for the generated images", DefaultValueFactory = _ => 0 };
        var kid = new Option<bool>("--kid") { Description = "Also compute KID on the same features" };
        var json = CliOptions.Json();
        var command = new Command("fid", "Fréchet distance on ResNet18 features (FID-ResNet18; not comparable with Inception FID)") { model, dataset, samples, seed, kid, json };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var context = CliContext.Create(parse);
            var n = parse.GetValue(samples);
            if (n < 2)
            {
                throw new CliUsageException("--samples must be at least 2.");
            }

            using var sampler = GanSampler.Load(context.Store, parse.GetRequiredValue(model));
            using var features = new ResNet18Features();
            var result = new FidEvaluator(new DatasetStore(context.Paths), features)
                .Evaluate(sampler.Sample(n, parse.GetValue(seed)), parse.GetRequiredValue(dataset), parse.GetValue(kid));
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(result);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Metric}: {result.Score:F1} (N = {result.Samples} a side, reference '{result.Dataset}'){(result.Kid is { } k ? $"; KID {k:F4}" : "")}"));
            return 0;
        }));
        return command;
    }
}
