using Microsoft.Extensions.AI;

namespace Strata.Models.Embeddings;

/// <summary>Checks a request's <see cref="EmbeddingGenerationOptions.Dimensions"/> against the model's fixed width.</summary>
internal static class RequestedDimensions
{
    // Local models produce one width; silently returning another would corrupt a vector collection sized for the request.
    public static void Check(EmbeddingGenerationOptions? options, int modelDimensions, string modelId)
    {
        if (options?.Dimensions is { } requested && requested != modelDimensions)
        {
            throw new ArgumentException(
                $"Model '{modelId}' produces {modelDimensions}-dimensional vectors; {requested} were requested. Leave Dimensions unset or use a model of that width.",
                nameof(options));
        }
    }
}
