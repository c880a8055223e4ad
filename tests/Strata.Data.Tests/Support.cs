using Strata.Data.Collections;

namespace Strata.Data.Tests;

/// <summary>Synthetic vectors shaped like real embeddings: low rank plus a little noise, L2-normalised.</summary>
public static class SyntheticVectors
{
    public static float[][] LowRank(int count, int dimension, int rank = 16, double noise = 0.1, int seed = 7)
    {
        var random = new Random(seed);
        var basis = new float[rank][];
        for (var r = 0; r < rank; r++)
        {
            basis[r] = Gaussian(random, dimension);
        }

        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var weights = Gaussian(random, rank);
            var v = Gaussian(random, dimension);
            for (var d = 0; d < dimension; d++)
            {
                v[d] *= (float)noise;
            }

            for (var r = 0; r < rank; r++)
            {
                for (var d = 0; d < dimension; d++)
                {
                    v[d] += weights[r] * basis[r][d] / MathF.Sqrt(rank);
                }
            }

            var norm = MathF.Sqrt(v.Sum(x => x * x));
            vectors[i] = [.. v.Select(x => x / norm)];
        }

        return vectors;
    }

    public static float[] Gaussian(Random random, int length)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return values;
    }

    /// <summary>Exact top-k ids by cosine (vectors are normalised, so by dot product).</summary>
    public static HashSet<string> BruteForce(float[] query, IEnumerable<(string Id, float[] Vector)> items, int k) =>
        [.. items.OrderByDescending(item => System.Numerics.Tensors.TensorPrimitives.Dot(query, item.Vector)).Take(k).Select(item => item.Id)];

    public static VectorRecord[] Records(float[][] vectors, Func<int, System.Text.Json.Nodes.JsonObject?>? metadata = null) =>
        [.. vectors.Select((v, i) => new VectorRecord($"v{i:D6}", v, null, metadata?.Invoke(i)))];
}
