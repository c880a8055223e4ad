using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Strata.Models.StructuredOutput;

namespace Strata.Models.Catalog;

/// <summary>
/// Wraps runtime clients in Microsoft.Extensions.AI middleware. Runtimes stay bare <see cref="IChatClient"/> and
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> implementations; cross-cutting concerns live here.
/// </summary>
public static class ModelPipeline
{
    /// <summary>
    /// Builds the chat pipeline, outermost first: function invocation (when asked for), structured output validation
    /// (<see cref="SchemaValidatingChatClient"/>), the response cache (when
    /// enabled), OpenTelemetry, time to first token and tokens/s (<see cref="ChatTimingChatClient"/>), logging, then the runtime. Tracing sits inside function invocation so every model
    /// round trip of a tool loop is its own span.
    /// </summary>
    /// <param name="inner">The runtime's client.</param>
    /// <param name="options">The pipeline settings.</param>
    /// <param name="invokeFunctions">Whether tool calls are executed here (a library caller) or returned (an API server whose client runs them).</param>
    /// <param name="loggerFactory">Where logs go, if anywhere.</param>
    public static IChatClient BuildChat(IChatClient inner, ModelPipelineOptions options, bool invokeFunctions, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ChatClientBuilder(inner);
        if (invokeFunctions)
        {
            builder.UseFunctionInvocation(loggerFactory, invocation => invocation.MaximumIterationsPerRequest = options.MaxToolIterations);
        }

        // Inside function invocation, so every model round trip of a tool loop is checked; outside the cache, so a
        // cached answer was valid when it was stored.
        builder.UseSchemaValidation(loggerFactory, validation => validation.MaxAttempts = options.StructuredOutputAttempts);

        if (options.ResponseCache)
        {
            builder.UseDistributedCache(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())));
        }

        builder.UseOpenTelemetry(loggerFactory, ModelPipelineOptions.TelemetrySourceName, telemetry => telemetry.EnableSensitiveData = options.RecordContent);
        builder.Use(client => new ChatTimingChatClient(client));
        if (loggerFactory is not null)
        {
            builder.UseLogging(loggerFactory);
        }

        return builder.Build();
    }

    /// <summary>Builds the embedding pipeline: OpenTelemetry, logging, then the runtime.</summary>
    public static IEmbeddingGenerator<string, Embedding<float>> BuildEmbeddings(
        IEmbeddingGenerator<string, Embedding<float>> inner, ModelPipelineOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        var builder = new EmbeddingGeneratorBuilder<string, Embedding<float>>(inner)
            .UseOpenTelemetry(loggerFactory, ModelPipelineOptions.TelemetrySourceName, telemetry => telemetry.EnableSensitiveData = options.RecordContent);
        if (loggerFactory is not null)
        {
            builder.UseLogging(loggerFactory);
        }

        return builder.Build();
    }
}
