using Strata.TestSupport;

namespace Strata.Cli.Tests;

/// <summary>Runs the real <c>strata</c> program (the built CLI assembly) in a child process with its own STRATA_HOME.</summary>
internal sealed class StrataProcess() : DotnetProgram(Assembly, "strata-cli-test-", TimeSpan.FromMinutes(2))
{
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "strata.dll");
}
