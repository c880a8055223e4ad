using Microsoft.Extensions.AI;
using Strata.Core.Errors;

namespace Strata.Models.Embeddings;

/// <summary>Checks a request's <see cref="EmbeddingGenerationOptions.Dimensions"/> against the model's fixed width.</summary>
internal static class RequestedDimensions
{
    // Local models produce one width; silently returning another would corrupt a vector collection sized for the request.
    // A StrataException (Invalid), so servers answer 400 naming the width: a 500 made OpenAI's SDK retry it three times.
    public static void Check(EmbeddingGenerationOptions? options, int modelDimensions, string modelId)
    {
        if (options?.Dimensions is { } requested && requested != modelDimensions)
        {
            throw new StrataException(
                $"Model '{modelId}' produces {modelDimensions}-dimensional vectors; {requested} were requested. Leave dimensions unset or use a model of that width.")
            {
                Param = "dimensions",
            };
        }
    }
}
