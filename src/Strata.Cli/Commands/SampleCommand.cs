#pragma warning disable MEAI001 // IImageGenerator's options are experimental in Microsoft.Extensions.AI.
using System.CommandLine;
using Microsoft.Extensions.AI;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Imaging;
using Strata.Synthesis.Sampling;

namespace Strata.Cli.Commands;

/// <summary><c>strata sample -m MODEL -o FILE.png</c>: images from a trained GAN or diffusion model.</summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A model trained by strata train", Required = true };
        var count = new Option<int>("-n") { Description = "How many images", DefaultValueFactory = _ => 64 };
        var seed = new Option<long>("--seed") { Description = "Seed for the noise; the same seed gives the same images", DefaultValueFactory = _ => 0 };
        var steps = new Option<int?>("--steps") { Description = "DDIM steps K (diffusion models only; GANs take one step)" };
        var sampler = new Option<string?>("--sampler") { Description = "Diffusion sampler: ddim (K steps) or ddpm (ancestral, all T steps); default: the config's" };
        var eta = new Option<double?>("--eta") { Description = "DDIM's η: 0 deterministic (default: the config's), 1 DDPM-like noise" };
        var output = new Option<string>("--output", "-o") { Description = "The PNG file (with --separate: the prefix of one file per image)", Required = true };
        var separate = new Option<bool>("--separate") { Description = "One PNG per image instead of a grid" };
        var command = new Command("sample", "Generate images with a trained model") { model, count, seed, steps, sampler, eta, output, separate };
        command.SetAction(parse => CliAction.RunAsync(async () =>
        {
            var context = CliContext.Create(parse);
            var n = parse.GetValue(count);
            if (n is < 1 or > TrainedImageGenerator.MaxBatch)
            {
                throw new CliUsageException($"-n must be between 1 and {TrainedImageGenerator.MaxBatch}.");
            }

            var name = parse.GetRequiredValue(model);
            var config = TrainedModel.ConfigOf(context.Store, name);
            var options = new SamplingOptions(parse.GetValue(sampler), parse.GetValue(steps), parse.GetValue(eta));
            if (!config.IsDiffusion && options != new SamplingOptions())
            {
                Console.Error.WriteLine("note: --steps, --sampler and --eta apply to diffusion models; this GAN generates in one step.");
            }

            var images = context.Models.Runners
                ? await SampleInRunnerAsync(context, name, config, n, parse.GetValue(seed), options)
                : SampleHere(context, name, n, parse.GetValue(seed), options);
            var path = parse.GetRequiredValue(output);
            if (parse.GetValue(separate))
            {
                var prefix = path.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? path[..^4] : path;
                var files = ImageGrid.SaveSeparately(images, prefix);
                Console.WriteLine($"Wrote {files.Count} images: {files[0]} … {files[^1]}.");
            }
            else
            {
                ImageGrid.Save(images, path);
                var (width, height) = ImageGrid.SizeOf(images.Count, images.Height, images.Width);
                Console.WriteLine($"Wrote {path} ({images.Count} images, {width}×{height}).");
            }

            return 0;
        }));
        return command;
    }

    private static ImageSet SampleHere(CliContext context, string name, int count, long seed, SamplingOptions options)
    {
        using var loaded = TrainedModel.Load(context.Store, name);
        return loaded.Sample(count, seed, options);
    }

    // In an image runner, as the server does: a libtorch abort on a bad checkpoint is one error line, not a crashed CLI.
    // The images cross as PNG files, which decode to exactly the pixels the model made.
    private static async Task<ImageSet> SampleInRunnerAsync(CliContext context, string name, SynthesisConfig config, int count, long seed, SamplingOptions options)
    {
        using var runner = context.Catalog.CreateImageRunner(name, TrainedImageGenerator.MaxBatch);
        var properties = new AdditionalPropertiesDictionary { ["seed"] = seed, ["steps"] = options.Steps, ["sampler"] = options.Sampler, ["eta"] = options.Eta };
        var batch = await runner.GeneratePngsAsync(new ImageGenerationRequest(""), new ImageGenerationOptions { Count = count, AdditionalProperties = properties });
        var channels = config.Image.Channels;
        var pixels = batch.Images.SelectMany(png => ImageConversion.PlanesOfPng(png, channels)).ToArray();
        return new ImageSet(pixels, batch.Images.Length, channels, batch.Height, batch.Width);
    }
}
