using System.Numerics;
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
        DistanceMetric.L1 => Manhattan(a, b),
        _ => TensorPrimitives.Distance(a, b),
    };

    /// <summary>The sum of the absolute differences; TensorPrimitives has no L1 distance, and this needs no buffer.</summary>
    public static float Manhattan(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("The vectors have different lengths.", nameof(b));
        }

        var sums = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            sums += Vector.Abs(new Vector<float>(a[i..]) - new Vector<float>(b[i..]));
        }

        var total = Vector.Sum(sums);
        for (; i < a.Length; i++)
        {
            total += MathF.Abs(a[i] - b[i]);
        }

        return total;
    }

    /// <summary>Turns a distance back into the metric's score: cosine similarity, dot product, or −(Euclidean or Manhattan distance).</summary>
    public static double ToScore(float distance, DistanceMetric metric) => metric switch
    {
        DistanceMetric.Cosine => 1.0 - distance,
        _ => -distance,
    };
}
