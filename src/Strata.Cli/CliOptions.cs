using System.CommandLine;

namespace Strata.Cli;

/// <summary>Options shared by many commands.</summary>
internal static class CliOptions
{
    /// <summary><c>--set Section:Key=Value</c>: sets any configuration key for this invocation, the highest-priority source.</summary>
    public static readonly Option<string[]> Set = new("--set")
    {
        Description = "Set a configuration key for this run, e.g. --set Server:Urls=http://127.0.0.1:9000 (repeatable)",
        Recursive = true,
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Creates a <c>--json</c> option for a command that lists or shows things.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON only" };
}
