using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Models.Llama;

namespace Strata.Server.OpenAi;

/// <summary>A tool call from a conversation's history, as a client sends it back (OpenAI's chat and Responses APIs).</summary>
internal static class HistoryToolCall
{
    /// <summary>
    /// The call with its arguments parsed; arguments that are not a JSON object are kept as the text they are, as
    /// OpenAI's API keeps them, and rendered into the prompt as written. Such a call is what Strata answers when the
    /// token limit cuts a forced call short (finish reason <c>length</c>), and an agent loop (Semantic Kernel's
    /// auto-invocation, for one) sends it back with the tool's result: refusing it stopped the conversation with a 400.
    /// </summary>
    public static FunctionCallContent Create(string callId, string name, string argumentsText)
    {
        try
        {
            if (JsonSerializer.Deserialize<Dictionary<string, object?>>(argumentsText) is { } arguments)
            {
                return new FunctionCallContent(callId, name, arguments);
            }
        }
        catch (JsonException)
        {
            // Not an object: kept as text below.
        }

        return new FunctionCallContent(callId, name) { AdditionalProperties = new() { [PartialToolCall.ArgumentsTextKey] = argumentsText } };
    }
}
