using static TorchSharp.torch;

namespace Strata.Synthesis.Evaluation;

/// <summary>Distances between two sets of feature vectors: the Fréchet distance (FID's formula) and the kernel inception distance (KID).</summary>
public static class FrechetDistance
{
    /// <summary>
    /// ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^½) between the Gaussians fitted to <paramref name="a"/> and <paramref name="b"/>
    /// (row-major, <paramref name="dimensions"/> wide). Finite-sample bias makes it shrink as 1/N: compare at equal N.
    /// </summary>
    public static double Compute(float[] a, float[] b, int dimensions)
    {
        using var scope = NewDisposeScope();
        var (muA, covA) = Moments(a, dimensions);
        var (muB, covB) = Moments(b, dimensions);
        // tr((Σ₁Σ₂)^½) = tr((Σ₁^½ Σ₂ Σ₁^½)^½), and the inner matrix is symmetric, so eigh is exact and stable.
        var rootA = SymmetricSqrt(covA);
        var inner = rootA.matmul(covB).matmul(rootA);
        inner = (inner + inner.T) / 2;
        var traceRoot = linalg.eigvalsh(inner).clamp_min(0).sqrt().sum();
        var distance = (muA - muB).pow(2).sum() + covA.trace() + covB.trace() - 2 * traceRoot;
        return distance.item<double>();
    }

    /// <summary>
    /// Unbiased MMD² with the cubic polynomial kernel k(x, y) = (x·y / d + 1)³ (Bińkowski et al., 2018). Unlike the
    /// Fréchet distance it has no bias from the sample count.
    /// </summary>
    public static double KernelInceptionDistance(float[] a, float[] b, int dimensions)
    {
        using var scope = NewDisposeScope();
        var x = Rows(a, dimensions);
        var y = Rows(b, dimensions);
        long m = x.shape[0], n = y.shape[0];
        Tensor Kernel(Tensor p, Tensor q) => (p.matmul(q.T) / dimensions + 1).pow(3);
        var kxx = Kernel(x, x);
        var kyy = Kernel(y, y);
        var kxy = Kernel(x, y);
        var mmd = (kxx.sum() - kxx.diagonal().sum()) / (m * (m - 1))
            + (kyy.sum() - kyy.diagonal().sum()) / (n * (n - 1))
            - 2 * kxy.sum() / (m * n);
        return mmd.item<double>();
    }

    private static Tensor Rows(float[] values, int dimensions)
    {
        if (values.Length % dimensions != 0 || values.Length / dimensions < 2)
        {
            throw new ArgumentException($"Need at least two {dimensions}-d feature vectors.");
        }

        return tensor(values, [values.Length / dimensions, dimensions]).to_type(ScalarType.Float64);
    }

    private static (Tensor Mean, Tensor Covariance) Moments(float[] values, int dimensions)
    {
        var rows = Rows(values, dimensions);
        var mean = rows.mean([0]);
        var centred = rows - mean;
        return (mean, centred.T.matmul(centred) / (rows.shape[0] - 1));
    }

    private static Tensor SymmetricSqrt(Tensor matrix)
    {
        var (values, vectors) = linalg.eigh(matrix);
        return vectors.matmul(diag(values.clamp_min(0).sqrt())).matmul(vectors.T);
    }
}
