using Strata.Models.Runners;
using Strata.Synthesis.Sampling;

// The runner of trained image models: the same runner as Strata.Runner, plus the image side, which brings libtorch.
return await ModelRunnerHost.RunAsync(args, () => new TrainedImageRunner());
