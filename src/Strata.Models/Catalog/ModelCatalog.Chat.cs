using Microsoft.Extensions.AI;
using Strata.Models.Llama;
using Strata.Models.Runners;
using Strata.Models.Store;

namespace Strata.Models.Catalog;

public sealed partial class ModelCatalog
{
    private Task<IChatClient> CreateChatClientAsync(string reference)
    {
        if (TryResolveRemote(reference, out var provider, out var model))
        {
            return Task.FromResult(RemoteClients.CreateChatClient(provider, model));
        }

        var manifest = store.Find(reference) ?? throw NotFound(reference);
        if (manifest.Format != ModelFormat.Gguf)
        {
            throw new ModelCatalogException(
                $"'{reference}' is a {manifest.Format.ToString().ToLowerInvariant()} model; chat needs a GGUF model (or a remote provider's model).");
        }

        // An encoder with a ranking head has no language-model output for llama.cpp to decode.
        ThrowIfReranker(manifest, "a chat model");

        if (runners)
        {
            // The runner starts on the first request and ends after the idle time, so an entry costs nothing until used.
            return Task.FromResult<IChatClient>(new RunnerChatClient(Supervise(manifest, RunnerRole.Chat)));
        }

        // Loading is deferred to the first request and undone after the idle time, so a catalog entry costs nothing until used.
        IChatClient client = LlamaChatClient.FromManifest(store, manifest, new LlamaChatClientOptions
        {
            ModelId = manifest.Name,
            ContextSize = llama.ContextSize,
            MaxParallelSequences = llama.MaxParallelSequences,
            Threads = llama.Threads,
            IdleUnloadTime = pipeline.IdleUnload,
            Logger = logger,
        });
        return Task.FromResult(client);
    }
}
