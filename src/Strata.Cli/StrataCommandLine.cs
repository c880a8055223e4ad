using System.CommandLine;
using Strata.Cli.Commands;

namespace Strata.Cli;

/// <summary>The <c>strata</c> command tree: every command, its options and one-line description.</summary>
public static class StrataCommandLine
{
    /// <summary>Builds the root command.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Strata: a generative AI stack for .NET (models, vector data, RAG, serving, monitoring, image synthesis).");
        root.Options.Add(CliOptions.Set);
        var serve = ServeCommand.Create();
        root.Subcommands.Add(serve);
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(PullCommand.Create());
        root.Subcommands.Add(ChatCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(EmbedCommand.Create());
        root.Subcommands.Add(CollectionsCommand.Create());
        root.Subcommands.Add(UpsertCommand.Create());
        root.Subcommands.Add(RecordsCommands.Get());
        root.Subcommands.Add(RecordsCommands.Delete());
        root.Subcommands.Add(SearchCommand.Create());
        root.Subcommands.Add(IngestCommand.Create());
        root.Subcommands.Add(DocumentsCommand.Create());
        root.Subcommands.Add(AskCommand.Create());
        root.Subcommands.Add(DatasetsCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(SampleCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(RunsCommand.Create());
        root.Subcommands.Add(TracesCommand.Create());
        root.Subcommands.Add(UsageCommand.Create());
        HelpWithSettings.Install(root, new Dictionary<Command, Func<string>> { [serve] = ServeCommand.SettingsHelp });
        return root;
    }
}
