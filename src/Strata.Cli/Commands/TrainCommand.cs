using System.CommandLine;
using System.Globalization;
using Strata.Synthesis.Training;

namespace Strata.Cli.Commands;

/// <summary><c>strata train CONFIG</c>: trains a GAN or a DDPM from a configuration file into a run folder and the model store.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Argument<string?>("config") { Description = "A configuration file (configs/*.json); optional with --resume", Arity = ArgumentArity.ZeroOrOne };
        var dataset = new Option<string?>("--dataset") { Description = "The dataset to train on (default: the config's)" };
        var maxSteps = new Option<long?>("--max-steps") { Description = "Stop after this many steps (default: the config's)" };
        var runName = new Option<string?>("--run-name") { Description = "The run's name, also the registered model's (default: the config's name)" };
        var resume = new Option<string?>("--resume") { Description = "Continue run RUN from its last checkpoint" };
        var command = new Command("train", "Train a GAN (DCGAN, WGAN-GP) or a diffusion model (DDPM) from a config file; Ctrl-C saves a checkpoint") { config, dataset, maxSteps, runName, resume };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            // System.CommandLine registers its Ctrl-C/SIGTERM handler only once the action has returned its task; the
            // training loop never awaits, so without this yield it would run to the end first and a signal would kill
            // the process without the checkpoint.
            await Task.Yield();
            var context = CliContext.Create(parse);
            var request = new TrainingRequest(parse.GetValue(config), parse.GetValue(resume), parse.GetValue(runName), parse.GetValue(dataset), parse.GetValue(maxSteps));
            if (request.ConfigPath is null && request.ResumeRun is null)
            {
                throw new CliUsageException("Name a config file, or --resume RUN.");
            }

            var result = await context.Get<TrackedTraining>().RunAsync(request, new Progress<TrainingProgress>(Print), cancellationToken);
            Console.Error.WriteLine();
            Console.WriteLine($"Tracked as run {result.TrackedRunId} ('strata runs show {result.TrackedRunId}').");
            if (!result.Outcome.Completed)
            {
                Console.WriteLine($"Stopped at step {result.Outcome.Step}; checkpoint saved. Continue with: strata train --resume {result.RunName}");
                return CliAction.Cancelled;
            }

            Console.WriteLine($"Trained {result.Outcome.Step} steps. Run folder: {result.Outcome.RunFolder}. Model registered as '{result.Outcome.Model}' (format torch).");
            return 0;
        }));
        return command;
    }

    // The losses and scores worth watching, in this order, when the trainer reports them.
    private static readonly (string Key, string Label)[] Shown =
        [("loss_d", "loss_d"), ("loss_g", "loss_g"), ("d_real", "D(x)"), ("d_fake", "D(G(z))"), ("loss", "loss"), ("grad_norm", "grad_norm")];

    private static void Print(TrainingProgress p)
    {
        var values = string.Join("  ", Shown.Where(s => p.Metrics.ContainsKey(s.Key))
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Label} {p.Metrics[s.Key]:F3}")));
        var line = string.Create(CultureInfo.InvariantCulture,
            $"step {p.Step}/{p.MaxSteps}  {values}  {p.ImagesPerSecond:F0} img/s  ETA {p.Remaining:hh\\:mm\\:ss}");
        // One updating line on a terminal, one line per step when redirected to a file.
        if (Console.IsErrorRedirected)
        {
            Console.Error.WriteLine(line);
        }
        else
        {
            Console.Error.Write("\r" + line.PadRight(Math.Max(0, Console.WindowWidth - 1)));
        }
    }
}
