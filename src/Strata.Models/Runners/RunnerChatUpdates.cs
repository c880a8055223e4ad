using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace Strata.Models.Runners;

/// <summary>
/// How chat updates cross the runner channel. Almost every update of a stream is one text delta whose other fields
/// (role, response and message ids, time, model) repeat the stream's first update; those cross as <c>t</c> followed by
/// the text, and the parent rebuilds the update from the last one it read in full. Any other update (the first, the
/// last with its usage and finish reason, one with log probabilities or a tool call) crosses as M.E.AI's own JSON,
/// which always starts with <c>{</c>. So most tokens are not written and parsed as M.E.AI JSON on both sides, inside
/// the channel's own JSON message (the gain is below what the shared 2-core machine's noise lets a benchmark show).
/// <para>
/// Updates the model has already produced when the runner sends one (the parent was slower to ask for the next than
/// the decoder to make it) cross together, as one channel message: <c>b</c>, then each update as its length, <c>:</c>
/// and the update as above. Each JSON-RPC round trip (a request for the next item, its answer) then carries every
/// ready token instead of one, and the parent still hands on one update per token, in order.
/// </para>
/// </summary>
internal static class RunnerChatUpdates
{
    private const char TextDelta = 't';
    private const char Batch = 'b';

    /// <summary>
    /// The runner's side: the channel messages of <paramref name="updates"/>, one per update, or one per run of updates
    /// that were ready together. Stopping early (the parent disposed its enumerator) cancels the model's stream.
    /// </summary>
    public static async IAsyncEnumerable<string> WriteAsync(IAsyncEnumerable<ChatResponseUpdate> updates, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var enumerator = updates.GetAsyncEnumerator(stop.Token);
        ChatResponseUpdate? template = null;
        var batch = new StringBuilder();
        // The next update is asked for before the current message goes out, to see whether it is already there; while
        // the message waits for the parent, that request stays pending, and ending early must cancel and await it.
        var next = default(ValueTask<bool>);
        var pending = false;
        try
        {
            next = enumerator.MoveNextAsync();
            pending = true;
            while (true)
            {
                var more = await next.ConfigureAwait(false);
                pending = false;
                if (!more)
                {
                    yield break;
                }

                var first = Write(enumerator.Current, ref template);
                next = enumerator.MoveNextAsync();
                pending = true;
                if (!next.IsCompleted)
                {
                    yield return first;
                    continue;
                }

                more = next.GetAwaiter().GetResult();
                pending = false;
                if (!more)
                {
                    // The stream ended right after its last update: that update goes alone, as any single one does.
                    yield return first;
                    yield break;
                }

                batch.Clear().Append(Batch);
                Frame(batch, first);
                Frame(batch, Write(enumerator.Current, ref template));
                next = enumerator.MoveNextAsync();
                pending = true;
                var ended = false;
                while (next.IsCompleted)
                {
                    more = next.GetAwaiter().GetResult();
                    pending = false;
                    if (!more)
                    {
                        ended = true;
                        break;
                    }

                    Frame(batch, Write(enumerator.Current, ref template));
                    next = enumerator.MoveNextAsync();
                    pending = true;
                }

                yield return batch.ToString();
                if (ended)
                {
                    yield break;
                }
            }
        }
        finally
        {
            if (pending)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await next.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // What the cancellation above asked for.
                }
            }

            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }

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

    /// <summary>
    /// The parent's side: adds the updates of one channel message (one, or a batch) to <paramref name="updates"/>, in
    /// order; <paramref name="template"/> is the last update read in full.
    /// </summary>
    public static void Read(string message, ref ChatResponseUpdate? template, List<ChatResponseUpdate> updates)
    {
        if (message.Length == 0 || message[0] != Batch)
        {
            updates.Add(Read(message.AsSpan(), ref template));
            return;
        }

        var rest = message.AsSpan(1);
        while (!rest.IsEmpty)
        {
            var colon = rest.IndexOf(':');
            var length = colon > 0 ? int.Parse(rest[..colon], NumberStyles.None, CultureInfo.InvariantCulture) : throw new FormatException("a batch of chat updates lacks a length");
            updates.Add(Read(rest.Slice(colon + 1, length), ref template));
            rest = rest[(colon + 1 + length)..];
        }
    }

    /// <summary>The parent's side: reads what <see cref="Write"/> wrote; <paramref name="template"/> is the last update read in full.</summary>
    public static ChatResponseUpdate Read(ReadOnlySpan<char> message, ref ChatResponseUpdate? template)
    {
        if (message.Length > 0 && message[0] == TextDelta && template is { } last)
        {
            return new ChatResponseUpdate(last.Role, [new TextContent(message[1..].ToString())])
            {
                AuthorName = last.AuthorName,
                ResponseId = last.ResponseId,
                MessageId = last.MessageId,
                ConversationId = last.ConversationId,
                CreatedAt = last.CreatedAt,
                ModelId = last.ModelId,
            };
        }

        template = System.Text.Json.JsonSerializer.Deserialize<ChatResponseUpdate>(message, RunnerJson.Options)
            ?? throw new System.Text.Json.JsonException("the runner channel carried null for a ChatResponseUpdate");
        return template;
    }

    private static void Frame(StringBuilder batch, string update) =>
        batch.Append(update.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(update);

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
