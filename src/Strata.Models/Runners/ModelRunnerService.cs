using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Strata.Core;
using Strata.Models.Embeddings;
using Strata.Models.Llama;
using Strata.Models.Reranking;
using Strata.Models.Store;

namespace Strata.Models.Runners;

/// <summary>
/// The runner's side of the channel: today's in-process clients (<see cref="LlamaChatClient"/>,
/// <see cref="LlamaEmbeddingGenerator"/>, <see cref="OnnxEmbeddingGenerator"/>), unchanged, inside the child process.
/// So batching, grammars and cancellation behave exactly as they did in process; only a native crash is contained.
/// </summary>
internal sealed class ModelRunnerService(IRunnerImageModels? images = null, RunnerUpdateWriter? updates = null) : IModelRunner, IDisposable
{
    private IChatClient? chat;
    private IEmbeddingGenerator<string, Embedding<float>>? embedder;
    private IReranker? reranker;

    public async Task<RunnerModelInfo> LoadAsync(RunnerLoadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Role == RunnerRole.Images)
        {
            // Image models need libtorch, which only the image runner program carries (see the folder's README).
            return images is not null
                ? await images.LoadAsync(request, cancellationToken)
                : throw new NotSupportedException("This runner program has no image models; they run in Strata.ImageRunner.");
        }

        var info = new RunnerModelInfo { ProcessId = Environment.ProcessId };
        if (request.Role is RunnerRole.OnnxReranker or RunnerRole.GgufReranker)
        {
            (reranker, info.ProviderName) = await RunnerRerankers.LoadAsync(request, cancellationToken);
            return info;
        }

        if (request.Role == RunnerRole.Chat)
        {
            var options = new LlamaChatClientOptions
            {
                ModelId = request.Name,
                ContextSize = request.ContextSize,
                MaxParallelSequences = request.MaxParallelSequences,
                Threads = request.Threads,
                // The parent ends an idle runner (returning all of its memory); inside, the model stays loaded (24 days: timers allow 49).
                IdleUnloadTime = TimeSpan.FromDays(24),
            };
            var client = request.Path is { } path ? LlamaChatClient.FromFile(path, options) : LlamaChatClient.FromManifest(Store(request), Manifest(request), options);
            chat = client;
            // Loading now, not at the first request, so a model that cannot load fails this call with its reason; counting
            // tokens also runs the tokenizer once, which some broken vocabularies abort on.
            await client.Host.CountTokensAsync("Hello, world", cancellationToken);
            info.ProviderName = "llama.cpp";
            info.ContextSize = client.Host.ContextSize;
            return info;
        }

        if (request.Role == RunnerRole.OnnxEmbeddings && request.Path is { } graphPath)
        {
            // A file outside the store is a graph on trial: whether ONNX Runtime can load it is what can crash the process
            // (whether it is a sentence encoder is the importer's and the generator's business).
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(graphPath);
            info.ProviderName = "onnxruntime";
            return info;
        }

        // With their default options, as the catalog builds them in process: Threads is llama.cpp's chat setting
        // (Models:Llama:Threads). Given to ONNX Runtime as IntraOpNumThreads it cost a MiniLM batch of 32 about 1.7 times
        // the CPU of the runtime's default on a 2-core machine, the largest part of the runner's gap to in process.
        embedder = request.Role switch
        {
            RunnerRole.OnnxEmbeddings => OnnxEmbeddingGenerator.FromManifest(Manifest(request), Store(request)),
            _ => LlamaEmbeddingGenerator.FromManifest(Manifest(request), Store(request)),
        };
        var metadata = embedder.GetService<EmbeddingGeneratorMetadata>();
        info.Dimensions = metadata?.DefaultModelDimensions;
        info.ProviderName = metadata?.ProviderName;
        return info;
    }

    // The updates go out as the model produces them, unasked (see the folder's README); cancelling this call cancels the sequence.
    public async Task ChatAsync(string request, int stream, CancellationToken cancellationToken)
    {
        var writer = updates ?? throw new InvalidOperationException("the runner has no update stream");
        try
        {
            await foreach (var update in StreamChatAsync(request, cancellationToken))
            {
                await writer.WriteAsync(stream, RunnerFrameKind.Update, update);
            }
        }
        catch
        {
            // The parent reads frames, not this call's result, until a frame ends the request; this one sends it to the error.
            await writer.WriteAsync(stream, RunnerFrameKind.Failed);
            throw;
        }

        await writer.WriteAsync(stream, RunnerFrameKind.End);
    }

    public Task<int> CountTokensAsync(string text, CancellationToken cancellationToken) => ChatModel().CountTokensAsync(text, cancellationToken);

    public Task<int> CountPromptTokensAsync(string request, CancellationToken cancellationToken)
    {
        var (messages, options) = RunnerJson.Read<RunnerChatRequest>(request).ToChat();
        return ChatModel().CountPromptTokensAsync(messages, options, cancellationToken);
    }

    public Task<int> CountCancelledSequencesAsync(CancellationToken cancellationToken) => Task.FromResult(ChatModel().Host.CancelledSequences);

    private LlamaChatClient ChatModel() =>
        chat as LlamaChatClient ?? throw new InvalidOperationException("the runner has no chat model loaded");

    public async Task<RunnerEmbeddingBatch> EmbedAsync(string[] values, int? dimensions, CancellationToken cancellationToken)
    {
        var generator = embedder ?? throw new InvalidOperationException("the runner has no embedding model loaded");
        var result = await generator.GenerateAsync(values, dimensions is null ? null : new EmbeddingGenerationOptions { Dimensions = dimensions }, cancellationToken);
        return RunnerEmbeddings.Write(result);
    }

    public async Task<double[]> RerankAsync(string query, string[] documents, CancellationToken cancellationToken)
    {
        var model = reranker ?? throw new InvalidOperationException("the runner has no reranker loaded");
        return RunnerRerankers.ScoresInOrder(await model.RerankAsync(query, documents, null, cancellationToken), documents.Length);
    }

    private async IAsyncEnumerable<string> StreamChatAsync(string request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = chat ?? throw new InvalidOperationException("the runner has no chat model loaded");
        var (messages, options) = RunnerJson.Read<RunnerChatRequest>(request).ToChat();
        ChatResponseUpdate? template = null;
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            yield return RunnerChatUpdates.Write(update, ref template);
        }
    }

    public void Dispose()
    {
        chat?.Dispose();
        embedder?.Dispose();
        reranker?.Dispose();
        images?.Dispose();
    }

    private static ModelStore Store(RunnerLoadRequest request) =>
        new(new StrataPaths(request.Home ?? throw new ArgumentException("a stored model needs the Strata home", nameof(request))));

    private static ModelManifest Manifest(RunnerLoadRequest request) => Store(request).Get(request.Name);
}
