using System.Text.Json;
using System.CommandLine;
using System.Globalization;
using Strata.Monitoring.Runs;
using Strata.Synthesis.Configuration;
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
            var run = new TrainingRun(context.Paths);
            var resumeRun = parse.GetValue(resume);
            var configPath = parse.GetValue(config);
            SynthesisConfig settings;
            if (configPath is not null)
            {
                settings = SynthesisConfig.Load(configPath);
            }
            else if (resumeRun is not null)
            {
                settings = SynthesisConfig.Load(Path.Combine(run.FolderOf(resumeRun), "config.json"));
            }
            else
            {
                throw new CliUsageException("Name a config file, or --resume RUN.");
            }

            var name = resumeRun ?? parse.GetValue(runName) ?? settings.Name;
            var data = parse.GetValue(dataset) ?? settings.Training.Dataset;
            var progress = new Progress<TrainingProgress>(Print);
            var folder = run.FolderOf(name);
            // The tracked run starts (or resumes) only once training itself has started, so a refused start leaves none behind.
            IRun? tracked = null;
            TrainingOutcome outcome;
            try
            {
                outcome = await run.RunAsync(settings, data, name, parse.GetValue(maxSteps), resumeRun is not null,
                    log: (files, resumeStep) =>
                    {
                        tracked = TrackedTrainingLog.StartOrResume(new RunStore(context.Paths.Runs), folder, name, JsonDocument.Parse(settings.ToJson()).RootElement, resumeStep);
                        return new TrackedTrainingLog(files, tracked);
                    },
                    progress: progress, cancellationToken: cancellationToken);
            }
            catch
            {
                tracked?.Finish(RunStatus.Failed);
                tracked?.Dispose();
                throw;
            }

            Console.Error.WriteLine();
            using var finished = tracked!;
            Console.WriteLine($"Tracked as run {finished.Id} ('strata runs show {finished.Id}').");
            if (!outcome.Completed)
            {
                Console.WriteLine($"Stopped at step {outcome.Step}; checkpoint saved. Continue with: strata train --resume {name}");
                return CliAction.Cancelled;
            }

            finished.Finish();
            Console.WriteLine($"Trained {outcome.Step} steps. Run folder: {outcome.RunFolder}. Model registered as '{outcome.Model}' (format torch).");
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
