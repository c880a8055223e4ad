using Microsoft.Extensions.AI;
using Strata.Models.Llama;
using Strata.Models.Runners;

namespace Strata.Models.Catalog;

public sealed partial class ModelCatalog
{
    /// <summary>
    /// The local chat models whose weights are in memory now, in this process or in a running runner, with the context
    /// size each really has (what Ollama's <c>/api/ps</c> lists).
    /// </summary>
    public IReadOnlyList<(string Reference, int ContextSize)> LoadedChatModels() =>
        chats.Where(pair => pair.Value.IsValueCreated && pair.Value.Value.IsCompletedSuccessfully)
            .Select(pair => (pair.Key, Client: pair.Value.Value.Result))
            .Select(loaded => (loaded.Key, ContextSize: loaded.Client.GetService<LlamaModelHost>() is { IsLoaded: true } host ? host.ContextSize
                : loaded.Client.GetService<RunnerChatClient>()?.LoadedContextSize))
            .Where(loaded => loaded.ContextSize is not null)
            .Select(loaded => (loaded.Key, loaded.ContextSize!.Value))
            .ToList();

    /// <summary>
    /// Sets how long the local chat model <paramref name="reference"/> stays loaded without requests, whether it runs
    /// in a runner or in process (Ollama's <c>keep_alive</c>): null restores <c>Models:IdleSeconds</c>, zero unloads it as
    /// soon as its last request ends, <see cref="Timeout.InfiniteTimeSpan"/> keeps it loaded. Returns false when the
    /// model is not a local model that was ever loaded (nothing to keep).
    /// </summary>
    public bool KeepAlive(string reference, TimeSpan? idle)
    {
        if (!chats.TryGetValue(reference, out var lazy) || !lazy.IsValueCreated || !lazy.Value.IsCompletedSuccessfully)
        {
            return false;
        }

        var client = lazy.Value.Result;
        if (client.GetService<RunnerChatClient>() is { } runner)
        {
            runner.KeepAlive(idle);
            return true;
        }

        if (client.GetService<LlamaModelHost>() is { } host)
        {
            host.KeepAlive(idle);
            return true;
        }

        return false;
    }

    /// <summary>
    /// <see cref="KeepAlive"/> for the embedding model <paramref name="reference"/> (Ollama's <c>keep_alive</c> on
    /// <c>/api/embed</c>): its runner waits this long without requests. Returns false when no runner serves its
    /// embeddings (never loaded, or in process, where an embedding generator has no idle unload).
    /// </summary>
    public bool KeepEmbeddingsAlive(string reference, TimeSpan? idle)
    {
        if (!embedders.TryGetValue(reference, out var lazy) || !lazy.IsValueCreated || !lazy.Value.IsCompletedSuccessfully
            || lazy.Value.Result.GetService<RunnerEmbeddingGenerator>() is not { } runner)
        {
            return false;
        }

        runner.KeepAlive(idle);
        return true;
    }
}
