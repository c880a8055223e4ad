using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Strata.Cli.Output;
using Strata.Server.OpenAi;

namespace Strata.Cli.Commands;

/// <summary><c>strata embed -m MODEL TEXT...</c>: embedding vectors for texts.</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "The embedding model (default: Models:DefaultEmbedding, minilm)" };
        var json = CliOptions.Json();
        var texts = new Argument<string[]>("text") { Description = "The texts to embed", Arity = ArgumentArity.OneOrMore };
        var command = new Command("embed", "Embed texts into vectors (--json: an OpenAI-shaped embeddings response)") { model, json, texts };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var context = CliContext.Create(parse);
            var reference = parse.GetValue(model) ?? context.Models.DefaultEmbedding;
            var generator = await context.Catalog.GetEmbeddingGeneratorAsync(reference, cancellationToken);
            var inputs = parse.GetRequiredValue(texts);
            var embeddings = await generator.GenerateAsync(inputs, cancellationToken: cancellationToken);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(OpenAiResponses.ToEmbeddingList(embeddings, reference, base64: false)));
                return 0;
            }

            for (var i = 0; i < embeddings.Count; i++)
            {
                var vector = embeddings[i].Vector.Span;
                var head = string.Join(", ", vector[..Math.Min(6, vector.Length)].ToArray().Select(v => v.ToString("0.0000", CultureInfo.InvariantCulture)));
                Console.WriteLine($"[{i}] {vector.Length} dims [{head}{(vector.Length > 6 ? ", …" : "")}]  {Truncate(inputs[i])}");
            }

            return 0;
        }));
        return command;
    }

    private static string Truncate(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
