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
}
