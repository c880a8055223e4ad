using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Strata.Core;
using Strata.Data.Collections;
using Strata.Data.Documents;
using Strata.Data.Embedded;
using Strata.Data.Ingestion;
using Strata.Models.Embeddings;
using Strata.Models.Store;

namespace Strata.Data.Tests.Ingestion;

/// <summary>Ingestion logs its steps with sources and counts; the document's text only at Trace.</summary>
public sealed class IngestionLoggingTests : IAsyncLifetime
{
    private const string Secret = "The vault combination is 7-1-9-4 and nobody else may read it.";
    private readonly TemporaryFolder home = new();
    private IEmbeddingGenerator<string, Embedding<float>> embedder = null!;

    public async Task InitializeAsync() =>
        embedder = await OnnxEmbeddingGenerator.FromStoreAsync(new ModelStore(new StrataPaths(home.Path)), BuiltInEmbeddingModels.MiniLm);

    public Task DisposeAsync()
    {
        embedder.Dispose();
        home.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(LogLevel.Debug, false)]
    [InlineData(LogLevel.Trace, true)]
    public async Task Steps_are_logged_and_the_text_only_at_trace(LogLevel level, bool textLogged)
    {
        var logger = new ListLogger(level);
        var file = home.Write($"notes-{level}.txt", Secret);
        using var collection = await new EmbeddedVectorDatabase(home.Combine("data", level.ToString())).CreateAsync(new CollectionSpec("notes", 384, EmbeddingModel: "minilm"));
        using var ledger = new IngestionLedger(home.Combine($"ledger-{level}.db"));
        var pipeline = new IngestionPipeline(collection, ledger, embedder, new DocumentLoader(), new RecursiveChunker(new MiniLmTokenCounter()), logger: logger);

        await pipeline.IngestAsync([file]);

        Assert.Contains(logger.Messages, m => m.Contains("cut into 1 chunks", StringComparison.Ordinal));
        Assert.Contains(logger.Messages, m => m.Contains($"{file} is ready (1 chunks)", StringComparison.Ordinal));
        Assert.Equal(textLogged, logger.Messages.Any(m => m.Contains("7-1-9-4", StringComparison.Ordinal)));
    }

    /// <summary>Keeps the formatted messages at or above a level.</summary>
    private sealed class ListLogger(LogLevel minimum) : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Messages.Add(formatter(state, exception));
            }
        }
    }
}
