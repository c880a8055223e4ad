using System.CommandLine;
using Strata.Synthesis.Imaging;
using Strata.Synthesis.Sampling;

namespace Strata.Cli.Commands;

/// <summary><c>strata sample -m MODEL -o FILE.png</c>: images from a trained generator.</summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A model trained by strata train", Required = true };
        var count = new Option<int>("-n") { Description = "How many images", DefaultValueFactory = _ => 64 };
        var seed = new Option<long>("--seed") { Description = "Seed for the noise; the same seed gives the same images", DefaultValueFactory = _ => 0 };
        var steps = new Option<int?>("--steps") { Description = "Sampler steps (diffusion models only; GANs take one step)" };
        var output = new Option<string>("--output", "-o") { Description = "The PNG file (with --separate: the prefix of one file per image)", Required = true };
        var separate = new Option<bool>("--separate") { Description = "One PNG per image instead of a grid" };
        var command = new Command("sample", "Generate images with a trained model") { model, count, seed, steps, output, separate };
        command.SetAction(parse => CliAction.Run(() =>
        {
            var context = CliContext.Create(parse);
            var n = parse.GetValue(count);
            if (n is < 1 or > 10_000)
            {
                throw new CliUsageException("-n must be between 1 and 10000.");
            }

            if (parse.GetValue(steps) is not null)
            {
                Console.Error.WriteLine("note: --steps applies to diffusion models; this GAN generates in one step.");
            }

            using var sampler = GanSampler.Load(context.Store, parse.GetRequiredValue(model));
            var images = sampler.Sample(n, parse.GetValue(seed));
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
}
