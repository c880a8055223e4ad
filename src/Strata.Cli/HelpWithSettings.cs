using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Strata.Cli;

/// <summary>
/// The standard help, followed for some commands by the configuration keys they read: settings have no options of
/// their own (any key is set with <c>--set</c>, <c>strata.json</c> or <c>STRATA__Section__Key</c>), so help lists them.
/// </summary>
internal sealed class HelpWithSettings(CommandLineAction standard, IReadOnlyDictionary<Command, Func<string>> settingsByCommand) : SynchronousCommandLineAction
{
    /// <summary>Like the standard help: shown even when the rest of the command line has errors.</summary>
    public override bool ClearsParseErrors => true;

    /// <summary>Replaces the root's help action with one that appends settings for the commands in <paramref name="settingsByCommand"/>.</summary>
    public static void Install(RootCommand root, IReadOnlyDictionary<Command, Func<string>> settingsByCommand)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithSettings(help.Action!, settingsByCommand);
    }

    public override int Invoke(ParseResult parseResult)
    {
        var exitCode = ((SynchronousCommandLineAction)standard).Invoke(parseResult);
        if (settingsByCommand.TryGetValue(parseResult.CommandResult.Command, out var settings))
        {
            parseResult.InvocationConfiguration.Output.Write(settings());
        }

        return exitCode;
    }
}
