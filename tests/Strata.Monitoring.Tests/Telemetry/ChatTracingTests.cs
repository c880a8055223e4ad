using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;
using Strata.Models.Catalog;
using Strata.Monitoring.Telemetry;
using Strata.Core.Options;

namespace Strata.Monitoring.Tests.Telemetry;

public sealed class ChatTracingTests(TinyChatModel model) : IClassFixture<TinyChatModel>, IDisposable
{
    private const string Prompt = "hello world, tiny model";
    private static readonly ActivitySource TestSource = new("Strata.Monitoring.Tests");
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>
    /// Makes one chat call through the model pipeline inside a test span, and returns the model span of that trace.
    /// Listeners are process-wide, so spans are picked by this test's own trace id, never by "the latest".
    /// </summary>
    private async Task<(SpanRecord Span, ChatResponse Response, IReadOnlyList<SpanRecord> Trace)> TracedChatAsync(bool recordContent)
    {
        var store = new TraceStore(_folder.Combine("traces.db"));
        ChatResponse response;
        string traceId;
        using (var provider = StrataTelemetry.CreateTracerProvider(new TelemetryOptions(), store))
        {
            var chat = ModelPipeline.BuildChat(model.Client, new ModelPipelineOptions { RecordContent = recordContent }, invokeFunctions: false);
            using (var root = TestSource.StartActivity("test"))
            {
                Assert.NotNull(root);
                traceId = root.TraceId.ToHexString();
                response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)],
                    new ChatOptions { Temperature = 0, Seed = 1, MaxOutputTokens = 8 });
            }

            provider.ForceFlush();
        }

        var trace = store.Trace(traceId);
        var span = Assert.Single(trace, s => s.Source == ModelPipelineOptions.TelemetrySourceName);
        return (span, response, trace);
    }

    [Fact]
    public async Task A_chat_call_is_one_span_with_model_tokens_and_duration_and_no_content()
    {
        var (span, response, trace) = await TracedChatAsync(recordContent: false);

        Assert.Equal("chat", span.Operation);
        Assert.Equal("tiny", span.Model);
        Assert.NotNull(response.Usage);
        Assert.True(response.Usage.InputTokenCount > 0);
        Assert.Equal(response.Usage.InputTokenCount, span.InputTokens);
        Assert.Equal(response.Usage.OutputTokenCount, span.OutputTokens);
        Assert.True(span.DurationMs > 0);
        Assert.NotEqual("error", span.Status);
        Assert.Equal(trace.Single(s => s.Name == "test").SpanId, span.ParentSpanId);
        Assert.DoesNotContain(Prompt, span.Attributes, StringComparison.Ordinal);
        Assert.DoesNotContain(Prompt, span.Events, StringComparison.Ordinal);
        Assert.DoesNotContain(response.Text, span.Attributes + span.Events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_content_is_recorded_only_when_enabled()
    {
        var (span, _, _) = await TracedChatAsync(recordContent: true);

        Assert.Contains(Prompt, span.Attributes + span.Events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_streamed_chat_span_carries_time_to_first_token_and_tokens_per_second()
    {
        var store = new TraceStore(_folder.Combine("traces.db"));
        string traceId;
        using (var provider = StrataTelemetry.CreateTracerProvider(new TelemetryOptions(), store))
        {
            var chat = ModelPipeline.BuildChat(model.Client, new ModelPipelineOptions(), invokeFunctions: false);
            using (var root = TestSource.StartActivity("test"))
            {
                traceId = root!.TraceId.ToHexString();
                await foreach (var _ in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, Prompt)], new ChatOptions { Temperature = 0, Seed = 1, MaxOutputTokens = 8 }))
                {
                }
            }

            provider.ForceFlush();
        }

        var span = Assert.Single(store.Trace(traceId), s => s.Source == ModelPipelineOptions.TelemetrySourceName);
        Assert.Contains("strata.time_to_first_token_ms", span.Attributes, StringComparison.Ordinal);
        Assert.Contains("strata.output_tokens_per_second", span.Attributes, StringComparison.Ordinal);
    }
}
