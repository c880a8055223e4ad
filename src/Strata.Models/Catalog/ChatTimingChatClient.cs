using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Strata.Models.Catalog;

/// <summary>
/// Measures what the gen_ai conventions leave to the application for streamed chat: time to the first token and
/// output tokens per second after it. Both go to histograms under <see cref="ModelPipelineOptions.TelemetrySourceName"/>
/// and onto the current chat span, so traces and metrics show them.
/// </summary>
public sealed class ChatTimingChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    private static readonly Meter Meter = new(ModelPipelineOptions.TelemetrySourceName);
    private static readonly Histogram<double> FirstToken = Meter.CreateHistogram<double>("strata.chat.time_to_first_token", "s", "Time from request to the first streamed token.");
    private static readonly Histogram<double> TokenRate = Meter.CreateHistogram<double>("strata.chat.output_tokens_per_second", "{token}/s", "Output tokens per second after the first token.");

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var span = Activity.Current;
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null;
        long? outputTokens = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            if (first is null && update.Text.Length > 0)
            {
                first = clock.Elapsed;
            }

            outputTokens = update.Contents.OfType<UsageContent>().LastOrDefault()?.Details.OutputTokenCount ?? outputTokens;
            yield return update;
        }

        if (first is not { } firstToken)
        {
            yield break;
        }

        var model = new KeyValuePair<string, object?>("gen_ai.request.model", options?.ModelId);
        FirstToken.Record(firstToken.TotalSeconds, model);
        span?.SetTag("strata.time_to_first_token_ms", firstToken.TotalMilliseconds);
        var generating = (clock.Elapsed - firstToken).TotalSeconds;
        if (outputTokens is > 1 && generating > 0)
        {
            var rate = (outputTokens.Value - 1) / generating;
            TokenRate.Record(rate, model);
            span?.SetTag("strata.output_tokens_per_second", rate);
        }
    }
}
