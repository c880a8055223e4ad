using Strata.Models.Runners;

return await ModelRunnerHost.RunAsync(args);
