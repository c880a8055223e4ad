using System.Numerics.Tensors;

namespace Strata.Benchmarks.Vectors;

/// <summary>Synthetic vectors shaped like sentence embeddings: rank 32 plus Gaussian noise 0.1, L2-normalised, fixed seed.</summary>
internal static class LowRankVectors
{
    public static float[][] Generate(int count, int dimension, int rank = 32, float noise = 0.1f, int seed = 42)
    {
        var random = new Random(seed);
        var basis = Enumerable.Range(0, rank).Select(_ => Gaussian(random, dimension)).ToArray();
        var vectors = new float[count][];
        var scale = 1f / MathF.Sqrt(rank);
        for (var i = 0; i < count; i++)
        {
            var v = Gaussian(random, dimension);
            TensorPrimitives.Multiply(v, noise, v);
            var weights = Gaussian(random, rank);
            for (var r = 0; r < rank; r++)
            {
                TensorPrimitives.MultiplyAdd(basis[r], weights[r] * scale, v, v);
            }

            TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
            vectors[i] = v;
        }

        return vectors;
    }

    private static float[] Gaussian(Random random, int length)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return values;
    }

    /// <summary>Exact top-k by cosine (dot of normalised vectors) among <paramref name="candidates"/> (all when null).</summary>
    public static int[] BruteForce(float[] query, float[][] vectors, int k, IReadOnlyList<int>? candidates = null)
    {
        var best = new PriorityQueue<int, float>();
        var count = candidates?.Count ?? vectors.Length;
        for (var j = 0; j < count; j++)
        {
            var i = candidates?[j] ?? j;
            var score = TensorPrimitives.Dot(query, vectors[i]);
            if (best.Count < k)
            {
                best.Enqueue(i, score);
            }
            else if (best.TryPeek(out _, out var worst) && score > worst)
            {
                best.EnqueueDequeue(i, score);
            }
        }

        return [.. best.UnorderedItems.Select(item => item.Element)];
    }
}
