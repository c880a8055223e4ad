using Microsoft.Extensions.Configuration;

namespace Strata.Models.Catalog;

/// <summary>The wire protocols Strata speaks to remote model providers.</summary>
public enum RemoteProviderKind
{
    /// <summary>OpenAI's API and the servers that copy it: OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio, llama.cpp, another Strata.</summary>
    OpenAI,

    /// <summary>Anthropic's Messages API.</summary>
    Anthropic,
}

/// <summary>
/// One configured remote provider, from <c>Providers:NAME</c>. A model reference <c>NAME:MODEL</c> resolves to it.
/// </summary>
/// <example><code>
/// "Providers": {
///   "ollama": { "Kind": "openai", "Endpoint": "http://127.0.0.1:11434/v1", "Models": ["llama3.2"] },
///   "openai": { "Kind": "openai", "ApiKey": "sk-…", "Models": ["gpt-4o-mini"], "EmbeddingModels": ["text-embedding-3-small"] },
///   "anthropic": { "Kind": "anthropic", "ApiKey": "sk-ant-…", "Models": ["claude-sonnet-4-5"] }
/// }
/// </code></example>
public sealed record RemoteProviderOptions
{
    /// <summary>The provider's name, the prefix of its model references.</summary>
    public required string Name { get; init; }

    /// <summary>The protocol it speaks.</summary>
    public required RemoteProviderKind Kind { get; init; }

    /// <summary>Its base address; null for the vendor's default.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The API key, if it needs one.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Chat models to list in <c>strata models list</c> (any model name still resolves).</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Embedding models to list.</summary>
    public IReadOnlyList<string> EmbeddingModels { get; init; } = [];

    /// <summary>Reads every provider under <c>Providers</c>.</summary>
    /// <exception cref="InvalidOperationException">A provider's kind or endpoint is invalid; the message names it.</exception>
    public static IReadOnlyList<RemoteProviderOptions> FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection("Providers").GetChildren().Select(Read).ToList();
    }

    private static RemoteProviderOptions Read(IConfigurationSection section)
    {
        var kindText = section["Kind"] ?? "openai";
        var kind = kindText.ToLowerInvariant() switch
        {
            "openai" => RemoteProviderKind.OpenAI,
            "anthropic" => RemoteProviderKind.Anthropic,
            _ => throw new InvalidOperationException($"Providers:{section.Key}:Kind is '{kindText}'; expected 'openai' or 'anthropic'."),
        };
        Uri? endpoint = null;
        if (section["Endpoint"] is { Length: > 0 } endpointText
            && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            throw new InvalidOperationException($"Providers:{section.Key}:Endpoint '{endpointText}' is not an http or https address.");
        }

        return new RemoteProviderOptions
        {
            Name = section.Key.ToLowerInvariant(),
            Kind = kind,
            Endpoint = endpoint,
            ApiKey = section["ApiKey"] is { Length: > 0 } key ? key : null,
            Models = ReadList(section.GetSection("Models")),
            EmbeddingModels = ReadList(section.GetSection("EmbeddingModels")),
        };
    }

    private static List<string> ReadList(IConfigurationSection section) =>
        section.Value is { Length: > 0 } single ? [single] : section.GetChildren().Select(c => c.Value).OfType<string>().ToList();
}
