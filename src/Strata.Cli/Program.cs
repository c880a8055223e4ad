using System.CommandLine;
using Strata.Cli;

var parse = StrataCommandLine.Build().Parse(args);
// Ctrl-C or SIGTERM cancels the command's token, and after the timeout the process is ended regardless. Training
// stops only between steps, and one step can take a minute on a busy CPU: give it time to finish the step and write
// its checkpoint. Everything else keeps the library's 2 seconds.
var training = parse.CommandResult.Command.Name == "train";
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(training ? 600 : 2) });
