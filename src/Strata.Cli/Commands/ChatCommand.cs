using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Strata.Core.Options;
using Strata.Models.Llama;
using Strata.Orchestration.Conversations;

namespace Strata.Cli.Commands;

/// <summary><c>strata chat</c>: an interactive, streaming conversation.</summary>
internal static class ChatCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "The chat model (default: Models:DefaultChat)" };
        var system = new Option<string?>("--system") { Description = "A system prompt" };
        var session = new Option<string?>("--session") { Description = "Keep the conversation under this name and continue it next time" };
        var command = new Command("chat", "Chat interactively with a model (/reset, /system TEXT, /exit)") { model, system, session };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var context = CliContext.Create(parse);
            var reference = ChatModelChoice.Resolve(parse.GetValue(model), context);
            var chatModel = await context.Catalog.GetChatClientAsync(reference, cancellationToken: cancellationToken);
            var client = new ChatClientBuilder(chatModel)
                .UseChatReducer(await CreateReducerAsync(chatModel, context.Models.Llama, cancellationToken))
                .Build();
            var systemPrompt = parse.GetValue(system);
            var sessionName = parse.GetValue(session);
            var sessions = context.Get<ConversationStore>();
            var history = sessionName is null ? NewHistory(systemPrompt) : [.. sessions.Load(sessionName)];
            if (history.Count == 0)
            {
                history = NewHistory(systemPrompt);
            }
            else if (sessionName is not null)
            {
                Console.Error.WriteLine($"(continuing session '{sessionName}': {history.Count(m => m.Role == ChatRole.User)} earlier messages)");
            }

            Console.Error.WriteLine($"Chatting with {reference}. /reset clears the conversation, /system TEXT sets the system prompt, /exit leaves.");
            while (!cancellationToken.IsCancellationRequested)
            {
                Console.Error.Write("> ");
                var line = Console.ReadLine();
                if (line is null or "/exit" or "/quit")
                {
                    break;
                }

                if (line == "/reset")
                {
                    history = NewHistory(systemPrompt);
                    if (sessionName is not null)
                    {
                        sessions.Save(sessionName, history);
                    }

                    Console.Error.WriteLine("(conversation cleared)");
                    continue;
                }

                if (line.StartsWith("/system", StringComparison.Ordinal))
                {
                    systemPrompt = line["/system".Length..].Trim() is { Length: > 0 } text ? text : null;
                    history = NewHistory(systemPrompt);
                    Console.Error.WriteLine(systemPrompt is null ? "(system prompt removed; conversation cleared)" : "(system prompt set; conversation cleared)");
                    continue;
                }

                if (line.Trim().Length == 0)
                {
                    continue;
                }

                history.Add(new ChatMessage(ChatRole.User, line));
                history.Add(await AnswerAsync(client, history, cancellationToken));
                if (sessionName is not null)
                {
                    sessions.Save(sessionName, history);
                }
            }

            return 0;
        }));
        return command;
    }

    /// <summary>
    /// Long conversations are trimmed to three quarters of the model's context on each request (the rest is left for
    /// the answer); the stored history stays whole. A local model counts with its own tokenizer, a remote one by length.
    /// </summary>
    private static async Task<ContextBudgetReducer> CreateReducerAsync(IChatClient model, LlamaOptions llama, CancellationToken cancellationToken)
    {
        // In process or in a runner, a local model counts with its own tokenizer and knows its real context size.
        if (model.GetService<IChatTokenCounter>() is { } counter)
        {
            var contextSize = await counter.GetContextSizeAsync(cancellationToken);
            return new ContextBudgetReducer(contextSize * 3 / 4, (text, token) => counter.CountTokensAsync(text, token));
        }

        return new ContextBudgetReducer(llama.ContextSize * 3 / 4);
    }

    private static List<ChatMessage> NewHistory(string? systemPrompt) =>
        systemPrompt is null ? [] : [new ChatMessage(ChatRole.System, systemPrompt)];

    private static async Task<ChatMessage> AnswerAsync(IChatClient client, List<ChatMessage> history, CancellationToken cancellationToken)
    {
        var updates = new List<ChatResponseUpdate>();
        var clock = Stopwatch.StartNew();
        TimeSpan? firstToken = null;
        await foreach (var update in client.GetStreamingResponseAsync(history, cancellationToken: cancellationToken))
        {
            firstToken ??= clock.Elapsed;
            updates.Add(update);
            Console.Write(update.Text);
        }

        Console.WriteLine();
        var response = updates.ToChatResponse();
        var outputTokens = response.Usage?.OutputTokenCount;
        var generating = clock.Elapsed - (firstToken ?? TimeSpan.Zero);
        if (outputTokens is > 0)
        {
            var rate = generating.TotalSeconds > 0 ? outputTokens.Value / generating.TotalSeconds : 0;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"({outputTokens} tokens, {rate:0.0} tokens/s, first token after {firstToken?.TotalMilliseconds ?? 0:0} ms)"));
        }

        return response.Messages.LastOrDefault() ?? new ChatMessage(ChatRole.Assistant, response.Text);
    }
}
