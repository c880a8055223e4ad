using Strata.Cli;

return await StrataCommandLine.Build().Parse(args).InvokeAsync();
