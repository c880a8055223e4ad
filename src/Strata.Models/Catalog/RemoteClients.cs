using System.ClientModel;
using Anthropic;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Strata.Models.Catalog;

/// <summary>Creates Microsoft.Extensions.AI clients for remote providers through their official SDKs.</summary>
public static class RemoteClients
{
    /// <summary>A chat client for <paramref name="model"/> at <paramref name="provider"/>.</summary>
    public static IChatClient CreateChatClient(RemoteProviderOptions provider, string model)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentException.ThrowIfNullOrEmpty(model);
        return provider.Kind switch
        {
            RemoteProviderKind.OpenAI => OpenAi(provider).GetChatClient(model).AsIChatClient(),
            _ => Anthropic(provider).AsIChatClient(model),
        };
    }

    /// <summary>An embedding generator for <paramref name="model"/> at <paramref name="provider"/>.</summary>
    /// <exception cref="NotSupportedException">The provider's API has no embeddings (Anthropic).</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(RemoteProviderOptions provider, string model)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentException.ThrowIfNullOrEmpty(model);
        return provider.Kind switch
        {
            RemoteProviderKind.OpenAI => OpenAi(provider).GetEmbeddingClient(model).AsIEmbeddingGenerator(),
            _ => throw new NotSupportedException($"Provider '{provider.Name}' speaks Anthropic's API, which has no embeddings endpoint."),
        };
    }

    private static OpenAIClient OpenAi(RemoteProviderOptions provider)
    {
        var options = new OpenAIClientOptions();
        if (provider.Endpoint is not null)
        {
            options.Endpoint = provider.Endpoint;
        }

        // Local OpenAI-compatible servers (Ollama, LM Studio, a keyless Strata) ignore the key, but the SDK requires one.
        return new OpenAIClient(new ApiKeyCredential(provider.ApiKey ?? "no-key"), options);
    }

    private static AnthropicClient Anthropic(RemoteProviderOptions provider)
    {
        return provider.Endpoint is null
            ? new AnthropicClient { ApiKey = provider.ApiKey ?? "" }
            : new AnthropicClient { ApiKey = provider.ApiKey ?? "", BaseUrl = provider.Endpoint.ToString().TrimEnd('/') };
    }
}
