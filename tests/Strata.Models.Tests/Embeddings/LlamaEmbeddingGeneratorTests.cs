using Strata.Core;
using Strata.Models.Embeddings;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Models.Tests.Embeddings;

/// <summary>A tiny llama written by our own GGUF writer, used as an embedding model through llama.cpp.</summary>
public sealed class LlamaEmbeddingGeneratorTests : IDisposable
{
    private readonly TemporaryFolder home = new();
    private readonly ModelStore store;

    public LlamaEmbeddingGeneratorTests() => store = new ModelStore(new StrataPaths(home.Path));

    [Fact]
    public async Task Tiny_llama_embeddings_have_the_embedding_length_unit_norm_and_repeat_exactly()
    {
        var manifest = await StoreTinyLlamaAsync(new TinyLlamaOptions { EmbeddingLength = 64 });
        var options = new LlamaEmbeddingOptions { Threads = 1 };

        using var generator = LlamaEmbeddingGenerator.FromManifest(manifest, store, options);
        var first = await generator.GenerateAsync(["hello world", "the tiny model is a llama"]);
        var again = await generator.GenerateAsync(["hello world"]);
        using var reloaded = LlamaEmbeddingGenerator.FromManifest(manifest, store, options);
        var fromReloaded = await reloaded.GenerateAsync(["hello world"]);

        Assert.Equal(64, generator.Dimensions);
        Assert.Equal(64, generator.Metadata.DefaultModelDimensions);
        Assert.All(first, e => Assert.Equal(64, e.Vector.Length));
        Assert.All(first, e => Assert.InRange(Vectors.Norm(e.Vector), 0.999f, 1.001f));
        Assert.Equal(first[0].Vector.ToArray(), again[0].Vector.ToArray());
        Assert.Equal(first[0].Vector.ToArray(), fromReloaded[0].Vector.ToArray());
        Assert.True(Vectors.MaxDifference(first[0].Vector, first[1].Vector) > 1e-4f, "different texts gave the same vector");
    }

    [Fact]
    public async Task Pooling_defaults_to_mean_for_a_model_that_declares_none()
    {
        var manifest = await StoreTinyLlamaAsync(new TinyLlamaOptions());

        using var generator = LlamaEmbeddingGenerator.FromManifest(manifest, store, new LlamaEmbeddingOptions { Threads = 1 });

        Assert.Equal(LLama.Native.LLamaPoolingType.Mean, generator.Pooling);
        Assert.Empty(await generator.GenerateAsync([]));
    }

    [Fact]
    public async Task A_damaged_gguf_fails_with_a_clear_message()
    {
        using var stream = new MemoryStream("GGUF but not really a model"u8.ToArray());
        var file = await store.AddBlobAsync(stream, "broken.gguf");
        var manifest = Manifest("broken", file);

        var error = Assert.Throws<EmbeddingModelException>(() => LlamaEmbeddingGenerator.FromManifest(manifest, store));

        Assert.Contains("cannot be read as GGUF", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_input_longer_than_the_context_is_truncated_and_flagged()
    {
        var manifest = await StoreTinyLlamaAsync(new TinyLlamaOptions { ContextLength = 256 });
        using var generator = LlamaEmbeddingGenerator.FromManifest(manifest, store, new LlamaEmbeddingOptions { Threads = 1 });

        var embeddings = await generator.GenerateAsync([string.Join(' ', Enumerable.Repeat("hello world", 400)), "hello world"]);

        Assert.Equal(true, embeddings[0].AdditionalProperties?[OnnxEmbeddingGenerator.TruncatedProperty]);
        Assert.Equal(801, embeddings[0].AdditionalProperties?[OnnxEmbeddingGenerator.TokenCountProperty]);
        Assert.Equal(false, embeddings[1].AdditionalProperties?[OnnxEmbeddingGenerator.TruncatedProperty]);
        Assert.InRange(Vectors.Norm(embeddings[0].Vector), 0.999f, 1.001f);
    }

    public void Dispose() => home.Dispose();

    private async Task<ModelManifest> StoreTinyLlamaAsync(TinyLlamaOptions options)
    {
        var path = home.Combine("tiny.gguf");
        TinyLlamaGguf.Write(path, options);
        await using var stream = File.OpenRead(path);
        var manifest = Manifest("tiny-embedder", await store.AddBlobAsync(stream, "tiny.gguf"));
        store.SaveManifest(manifest);
        return manifest;
    }

    private static ModelManifest Manifest(string name, ModelFile file) => new()
    {
        Name = name,
        Format = ModelFormat.Gguf,
        Files = [file],
        Source = new ModelSource("import", name),
        Created = DateTimeOffset.UtcNow,
    };
}
