using Microsoft.Extensions.AI;
using Strata.Models.Llama;

namespace Strata.Models.Catalog;

public sealed partial class ModelCatalog
{
    /// <summary>The local chat models whose weights are in memory now, with their hosts (what Ollama's <c>/api/ps</c> lists).</summary>
    public IReadOnlyList<(string Reference, LlamaModelHost Host)> LoadedChatModels() =>
        chats.Where(pair => pair.Value.IsValueCreated && pair.Value.Value.IsCompletedSuccessfully)
            .Select(pair => (pair.Key, Host: pair.Value.Value.Result.GetService<LlamaModelHost>()))
            .Where(loaded => loaded.Host is { IsLoaded: true })
            .Select(loaded => (loaded.Key, loaded.Host!))
            .ToList();
}
