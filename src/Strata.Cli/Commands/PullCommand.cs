using System.CommandLine;

namespace Strata.Cli.Commands;

internal static class PullCommand
{
    public static Command Create() => new("pull", "Download a model from the Hugging Face Hub: hf://OWNER/REPO[/PATH][@REVISION]");
}
