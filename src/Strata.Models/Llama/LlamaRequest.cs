using LLama;
using LLama.Native;
using Microsoft.Extensions.AI;

namespace Strata.Models.Llama;

/// <summary>A chat request turned into what the decode loop needs: prompt tokens, token budget and grammar.</summary>
internal sealed record LlamaRequest(LLamaToken[] PromptTokens, int MaxOutputTokens, string? Grammar, IReadOnlyList<AIFunctionDeclaration> Tools, bool AllowPlainAnswer)
{
    public static LlamaRequest Prepare(LLamaWeights weights, LlamaModelHost host, IList<ChatMessage> messages, ChatOptions? options)
    {
        var limits = host.Options.JsonLimits;
        var toolMode = options?.ToolMode ?? ChatToolMode.Auto;
        var tools = toolMode == ChatToolMode.None ? [] : (options?.Tools ?? []).OfType<AIFunctionDeclaration>().ToList();
        if (toolMode is RequiredChatToolMode { RequiredFunctionName: { } required })
        {
            tools = tools.Where(tool => tool.Name == required).ToList();
            if (tools.Count == 0)
            {
                throw new ArgumentException($"the required tool '{required}' is not among ChatOptions.Tools", nameof(options));
            }
        }
        else if (toolMode is RequiredChatToolMode && tools.Count == 0)
        {
            throw new ArgumentException("a tool call is required but ChatOptions.Tools holds no functions", nameof(options));
        }

        var allowPlainAnswer = toolMode is not RequiredChatToolMode;
        var grammar = CheckedGrammar(weights, tools, allowPlainAnswer, options?.ResponseFormat, limits);

        var prompt = options?.AdditionalProperties?.TryGetValue(LlamaChatOptionKeys.RawPrompt, out bool raw) == true && raw
            ? string.Concat(messages.Select(message => message.Text))
            : ChatPromptRenderer.Render(weights, host.HasChatTemplate, messages, options, tools);
        // "special: true" so the template's markers (<|im_start|> ...) become their control tokens, not text.
        var tokens = weights.Tokenize(prompt, true, true, System.Text.Encoding.UTF8);
        if (tokens.Length == 0)
        {
            // A sequence without a single prompt token would never have logits to sample.
            throw new ArgumentException("the conversation renders to an empty prompt", nameof(messages));
        }

        var contextSize = host.ContextSize;
        if (options?.AdditionalProperties?.TryGetValue(LlamaChatOptionKeys.ContextLimit, out int limit) == true && limit >= 1)
        {
            contextSize = Math.Min(contextSize, limit);
        }

        var rest = contextSize - tokens.Length;
        if (options?.AdditionalProperties?.TryGetValue(LlamaChatOptionKeys.OutputTokenCeiling, out int ceiling) == true)
        {
            rest = Math.Min(rest, ceiling);
        }

        var maxOutput = options?.MaxOutputTokens ?? Math.Max(1, rest);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOutput, 1, nameof(ChatOptions.MaxOutputTokens));
        if (tokens.Length + maxOutput > contextSize)
        {
            // A request's own smaller context (num_ctx) is the configured size the message names.
            throw new ContextWindowExceededException(tokens.Length, maxOutput, contextSize,
                contextSize < host.ContextSize ? contextSize : host.Options.ContextSize, host.TrainedContextSize);
        }

        return new LlamaRequest(tokens, maxOutput, grammar, tools, allowPlainAnswer);
    }

    // The grammar that constrains the answer, if any, checked by the managed GBNF check and then by llama.cpp's own
    // parser before the request is queued: a grammar llama.cpp refuses must fail this request, not crash the process.
    private static string? CheckedGrammar(LLamaWeights weights, List<AIFunctionDeclaration> tools, bool allowPlainAnswer, ChatResponseFormat? format, JsonGrammarLimits limits)
    {
        string grammar;
        string subject;
        if (tools.Count > 0)
        {
            grammar = ToolCallGrammar.Build(tools, allowPlainAnswer, limits);
            subject = "the calls of tool(s) " + string.Join(", ", tools.Select(tool => $"'{tool.Name}'"));
        }
        else if (format is ChatResponseFormatJson json)
        {
            subject = json.Schema is null ? "JSON output" : "the response format's JSON schema";
            try
            {
                grammar = json.Schema is { } schema ? JsonSchemaToGbnf.Convert(schema, limits) : JsonSchemaToGbnf.ConvertAnyObject(limits);
            }
            catch (NotSupportedException e) when (e is not LlamaGrammarException)
            {
                throw new LlamaGrammarException($"{subject} cannot be used to constrain the answer: {e.Message}", e);
            }
        }
        else
        {
            return null;
        }

        try
        {
            GbnfGrammar.Validate(grammar);
            NativeGrammarCheck.EnsureParses(weights.NativeHandle, grammar);
        }
        catch (LlamaGrammarException e)
        {
            throw new LlamaGrammarException($"the grammar for {subject} was refused: {e.Message}", e);
        }

        return grammar;
    }
}
