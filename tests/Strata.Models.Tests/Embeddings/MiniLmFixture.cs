using Strata.Core;
using Strata.Models.Embeddings;
using Strata.Models.Store;

namespace Strata.Models.Tests.Embeddings;

/// <summary>One store with the built-in MiniLM registered and one generator on it, shared by a test class (copying 90 MB per test would dominate the run).</summary>
public sealed class MiniLmFixture : IAsyncLifetime
{
    private readonly TemporaryFolder home = new();

    public ModelStore Store { get; private set; } = null!;

    public ModelManifest Manifest { get; private set; } = null!;

    public OnnxEmbeddingGenerator Generator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Store = new ModelStore(new StrataPaths(home.Path));
        Manifest = await BuiltInEmbeddingModels.EnsureAsync(Store, BuiltInEmbeddingModels.MiniLm);
        Generator = OnnxEmbeddingGenerator.FromManifest(Manifest, Store, new OnnxEmbeddingOptions { MaxBatchSize = 8 });
    }

    public Task DisposeAsync()
    {
        Generator?.Dispose();
        home.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>Vector arithmetic for assertions.</summary>
internal static class Vectors
{
    public static float Cosine(ReadOnlyMemory<float> a, ReadOnlyMemory<float> b) =>
        System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a.Span, b.Span);

    public static float Norm(ReadOnlyMemory<float> a) => System.Numerics.Tensors.TensorPrimitives.Norm(a.Span);

    public static float MaxDifference(ReadOnlyMemory<float> a, ReadOnlyMemory<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a.Span[i] - b.Span[i]));
        }

        return max;
    }
}
