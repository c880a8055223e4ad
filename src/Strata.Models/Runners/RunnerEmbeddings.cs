using Microsoft.Extensions.AI;

namespace Strata.Models.Runners;

/// <summary>
/// Generated embeddings as they cross from a runner: <c>GeneratedEmbeddings</c> is a list, so System.Text.Json would
/// write only its items and drop the usage (the token count an OpenAI response reports) and extra properties.
/// </summary>
internal sealed class RunnerEmbeddings
{
    public List<Embedding<float>> Items { get; set; } = [];

    public UsageDetails? Usage { get; set; }

    public AdditionalPropertiesDictionary? AdditionalProperties { get; set; }

    public static RunnerEmbeddings From(GeneratedEmbeddings<Embedding<float>> generated) =>
        new() { Items = [.. generated], Usage = generated.Usage, AdditionalProperties = generated.AdditionalProperties };

    public GeneratedEmbeddings<Embedding<float>> ToGenerated() => new(Items) { Usage = Usage, AdditionalProperties = AdditionalProperties };
}
