using Microsoft.Extensions.AI;

namespace Strata.Models.Runners;

/// <summary>
/// How chat updates cross the runner channel. Almost every update of a stream is one text delta whose other fields
/// (role, response and message ids, time, model) repeat the stream's first update; those cross as <c>t</c> followed by
/// the text, and the parent rebuilds the update from the last one it read in full. Any other update (the first, the
/// last with its usage and finish reason, one with log probabilities or a tool call) crosses as M.E.AI's own JSON,
/// which always starts with <c>{</c>. So most tokens are not written and parsed as M.E.AI JSON on both sides, inside
/// the channel's own JSON message (the gain is below what the shared 2-core machine's noise lets a benchmark show).
/// </summary>
internal static class RunnerChatUpdates
{
    private const char TextDelta = 't';

    /// <summary>The runner's side: writes <paramref name="update"/>, compactly when <paramref name="template"/> (the last update written in full) allows.</summary>
    public static string Write(ChatResponseUpdate update, ref ChatResponseUpdate? template)
    {
        if (template is not null && IsTextDeltaOf(update, template) && update.Contents[0] is TextContent text)
        {
            return TextDelta + text.Text;
        }

        template = update;
        return RunnerJson.Write(update);
    }

    /// <summary>The parent's side: reads what <see cref="Write"/> wrote; <paramref name="template"/> is the last update read in full.</summary>
    public static ChatResponseUpdate Read(string message, ref ChatResponseUpdate? template)
    {
        if (message.Length > 0 && message[0] == TextDelta && template is { } last)
        {
            return new ChatResponseUpdate(last.Role, [new TextContent(message[1..])])
            {
                AuthorName = last.AuthorName,
                ResponseId = last.ResponseId,
                MessageId = last.MessageId,
                ConversationId = last.ConversationId,
                CreatedAt = last.CreatedAt,
                ModelId = last.ModelId,
            };
        }

        template = RunnerJson.Read<ChatResponseUpdate>(message);
        return template;
    }

    // One plain text content and nothing else that the template does not already say.
    private static bool IsTextDeltaOf(ChatResponseUpdate update, ChatResponseUpdate template) =>
        update.Contents is [TextContent { AdditionalProperties: null, Annotations: null, RawRepresentation: null } content]
        && content.GetType() == typeof(TextContent)
        && update.AdditionalProperties is null
        && update.RawRepresentation is null
        && update.FinishReason is null
        && update.ContinuationToken is null
        && update.Role == template.Role
        && update.AuthorName == template.AuthorName
        && update.ResponseId == template.ResponseId
        && update.MessageId == template.MessageId
        && update.ConversationId == template.ConversationId
        && update.CreatedAt == template.CreatedAt
        && update.ModelId == template.ModelId;
}
