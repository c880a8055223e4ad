using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Strata.Core.Options;
using Strata.Cli.Output;
using Strata.Models.HuggingFace;
using Strata.Models;

namespace Strata.Cli.Commands;

/// <summary><c>strata pull hf://OWNER/REPO[/PATH][@REVISION]</c>: downloads a model from the Hugging Face Hub into the store.</summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var reference = new Argument<string>("reference") { Description = "hf://OWNER/REPO[/PATH/IN/REPO][@REVISION]" };
        var name = new Option<string?>("--name", "-n") { Description = "The model's name in the store (default: the repository, lowercased)" };
        var file = new Option<string?>("--file") { Description = "Which GGUF file to take when the repository has several" };
        var offline = new Option<bool>("--offline") { Description = "Make no network request; use only what is stored (also HF_HUB_OFFLINE=1)" };
        var command = new Command("pull", "Download a model from the Hugging Face Hub (resumable, verified by SHA-256)") { reference, name, file, offline };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var context = CliContext.Create(parse, new Dictionary<string, string?>
            {
                ["HuggingFace:Offline"] = parse.GetValue(offline) ? "true" : null,
            });
            var interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected;
            var request = new HubPullRequest
            {
                Reference = HubReference.Parse(parse.GetRequiredValue(reference)),
                Name = parse.GetValue(name),
                File = parse.GetValue(file),
                Offline = context.Get<HuggingFaceOptions>().Offline,
                Chooser = interactive ? Choose : null,
            };

            var renderer = new PullProgressRenderer(interactive);
            var manifest = await context.Services.GetRequiredService<ModelPuller>().PullAsync(request, renderer, cancellationToken);
            renderer.Finish();
            Console.WriteLine($"Pulled {manifest.Name} ({manifest.Format.ToString().ToLowerInvariant()}, {manifest.Files.Count} file(s), {ByteSize.Format(manifest.Size)}).");
            return 0;
        }));
        return command;
    }

    private static HubFile? Choose(IReadOnlyList<HubFile> files) =>
        AnsiConsole.Prompt(new SelectionPrompt<HubFile>()
            .Title("This repository has several GGUF files. Which one?")
            .UseConverter(f => Markup.Escape($"{f.Path}  ({ByteSize.Format(f.Size)})"))
            .AddChoices(files));
}
