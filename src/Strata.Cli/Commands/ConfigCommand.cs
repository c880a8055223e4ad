using System.CommandLine;
using Spectre.Console;
using Strata.Cli.Output;
using Strata.Core;

namespace Strata.Cli.Commands;

/// <summary><c>strata config show</c>: the effective configuration, secrets masked.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var json = CliOptions.Json();
        var show = new Command("show", "Print the effective configuration (defaults, strata.json, environment, options), secrets masked") { json };
        show.SetAction(parse => CliAction.Run(() =>
        {
            var context = CliContext.Create(parse);
            var values = SecretMasking.Flatten(context.Configuration);
            if (parse.GetValue(json))
            {
                return JsonOutput.Write(new
                {
                    home = context.Paths.Home,
                    configFile = context.Paths.ConfigFile,
                    values = values.ToDictionary(pair => pair.Key, pair => pair.Value),
                });
            }

            AnsiConsole.MarkupLineInterpolated($"[grey]STRATA_HOME[/] {context.Paths.Home}");
            AnsiConsole.MarkupLineInterpolated($"[grey]config file[/] {context.Paths.ConfigFile}{(File.Exists(context.Paths.ConfigFile) ? "" : " (not present)")}");
            var table = new Table().AddColumns("key", "value");
            foreach (var (key, value) in values)
            {
                // Plain text, not markup: Spectre would turn a key like Models:Llama:ContextSize into an emoji.
                table.AddRow(new Text(key), new Text(value ?? ""));
            }

            AnsiConsole.Write(table);
            return 0;
        }));

        return new Command("config", "Show Strata's configuration") { show };
    }
}
