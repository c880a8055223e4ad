using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Server.OpenAi;

namespace Strata.Cli.Commands;

/// <summary><c>strata generate -m MODEL PROMPT</c>: one answer, streamed to standard output.</summary>
internal static class GenerateCommand
{
    /// <summary>The largest schema file accepted; a schema is a page of JSON, not a data set.</summary>
    private const long MaxSchemaBytes = 1 << 20;

    public static Command Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "The chat model (default: Models:DefaultChat)" };
        var system = new Option<string?>("--system") { Description = "A system prompt" };
        var temperature = new Option<float?>("--temperature") { Description = "Sampling temperature (0 = greedy)" };
        var topP = new Option<float?>("--top-p") { Description = "Nucleus sampling probability mass" };
        var seed = new Option<long?>("--seed") { Description = "Random seed; with temperature 0 the same text every time" };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "The most tokens to generate" };
        var schema = new Option<FileInfo?>("--schema") { Description = "A JSON Schema file; the answer is JSON valid against it" };
        var json = CliOptions.Json();
        var prompt = new Argument<string>("prompt") { Description = "The prompt" };
        var command = new Command("generate", "Generate one answer to a prompt (--json: an OpenAI-shaped chat.completion)")
        {
            model, system, temperature, topP, seed, maxTokens, schema, json, prompt,
        };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var context = CliContext.Create(parse);
            var reference = ChatModelChoice.Resolve(parse.GetValue(model), context);
            var options = new ChatOptions
            {
                Temperature = parse.GetValue(temperature),
                TopP = parse.GetValue(topP),
                Seed = parse.GetValue(seed),
                MaxOutputTokens = parse.GetValue(maxTokens),
                ResponseFormat = parse.GetValue(schema) is { } file ? ReadSchema(file) : null,
            };
            List<ChatMessage> messages = [];
            if (parse.GetValue(system) is { } systemPrompt)
            {
                messages.Add(new ChatMessage(ChatRole.System, systemPrompt));
            }

            messages.Add(new ChatMessage(ChatRole.User, parse.GetRequiredValue(prompt)));
            var client = await context.Catalog.GetChatClientAsync(reference, cancellationToken: cancellationToken);
            if (parse.GetValue(json))
            {
                var response = await client.GetResponseAsync(messages, options, cancellationToken);
                Console.WriteLine(JsonSerializer.Serialize(OpenAiResponses.ToChatCompletion(response, reference)));
                return 0;
            }

            await foreach (var update in client.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                Console.Write(update.Text);
            }

            Console.WriteLine();
            return 0;
        }));
        return command;
    }

    private static ChatResponseFormat ReadSchema(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliUsageException($"The schema file '{file.FullName}' does not exist.");
        }

        if (file.Length > MaxSchemaBytes)
        {
            throw new CliUsageException($"The schema file '{file.Name}' is {file.Length} bytes; schemas up to {MaxSchemaBytes} bytes are accepted.");
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(file.FullName));
        return ChatResponseFormat.ForJsonSchema(document.RootElement.Clone(), Path.GetFileNameWithoutExtension(file.Name));
    }
}
