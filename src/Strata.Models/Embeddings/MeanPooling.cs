using System.Numerics.Tensors;

namespace Strata.Models.Embeddings;

/// <summary>Sentence-transformers' pooling: the average of the token vectors the attention mask keeps, scaled to unit length.</summary>
internal static class MeanPooling
{
    /// <summary>
    /// Pools row <paramref name="row"/> of a [batch, sequence, width] hidden state whose first
    /// <paramref name="tokenCount"/> positions are real tokens (the rest are padding).
    /// </summary>
    public static float[] Pool(ReadOnlySpan<float> hiddenState, int sequenceLength, int width, int row, int tokenCount)
    {
        var pooled = new float[width];
        var rowStart = row * sequenceLength * width;
        for (var token = 0; token < tokenCount; token++)
        {
            TensorPrimitives.Add(pooled, hiddenState.Slice(rowStart + (token * width), width), pooled);
        }

        // Dividing by the token count is skipped: the L2 normalisation that follows removes any common scale.
        Normalize(pooled);
        return pooled;
    }

    /// <summary>Scales <paramref name="vector"/> to unit Euclidean length in place; a zero vector stays zero.</summary>
    public static void Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }
}
