using System.Numerics.Tensors;
using Strata.Data.Collections;

namespace Strata.Data.Hnsw;

/// <summary>Distances (lower is closer) and scores (higher is closer) for a metric, SIMD through TensorPrimitives.</summary>
internal static class VectorDistance
{
    /// <summary>Cosine vectors are stored normalised so that cosine distance is a single dot product.</summary>
    public static float[] Prepare(ReadOnlySpan<float> vector, DistanceMetric metric)
    {
        var copy = vector.ToArray();
        if (metric == DistanceMetric.Cosine)
        {
            var norm = TensorPrimitives.Norm(copy);
            if (norm > 0)
            {
                TensorPrimitives.Divide(copy, norm, copy);
            }
        }

        return copy;
    }

    public static float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b, DistanceMetric metric) => metric switch
    {
        DistanceMetric.Cosine => 1f - TensorPrimitives.Dot(a, b),
        DistanceMetric.Dot => -TensorPrimitives.Dot(a, b),
        _ => TensorPrimitives.Distance(a, b),
    };

    /// <summary>Turns a distance back into the metric's score: cosine similarity, dot product, or −euclidean distance.</summary>
    public static double ToScore(float distance, DistanceMetric metric) => metric switch
    {
        DistanceMetric.Cosine => 1.0 - distance,
        _ => -distance,
    };
}
