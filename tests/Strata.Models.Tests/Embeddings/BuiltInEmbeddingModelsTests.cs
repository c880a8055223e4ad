using Strata.Core;
using Strata.Models.Embeddings;
using Strata.Models.Store;

namespace Strata.Models.Tests.Embeddings;

public sealed class BuiltInEmbeddingModelsTests
{
    [Fact]
    public async Task Registration_is_idempotent_and_survives_a_new_store_instance()
    {
        using var home = new TemporaryFolder();
        var first = await BuiltInEmbeddingModels.EnsureAsync(new ModelStore(new StrataPaths(home.Path)), BuiltInEmbeddingModels.MiniLm);
        var reopened = new ModelStore(new StrataPaths(home.Path));

        var stored = reopened.Find(BuiltInEmbeddingModels.MiniLm);
        var second = await BuiltInEmbeddingModels.EnsureAsync(reopened, BuiltInEmbeddingModels.MiniLm);

        Assert.NotNull(stored);
        Assert.Equal(ModelFormat.Onnx, stored.Format);
        Assert.Equal(BuiltInEmbeddingModels.SourceKind, stored.Source.Kind);
        Assert.Equal("model.onnx", stored.Files[0].Path);
        Assert.Equal(384, stored.Metadata.Dimensions);
        Assert.Equal(first.Created, second.Created);
        Assert.Equal(first.Files, second.Files);
        Assert.Equal(3, Directory.GetFiles(reopened.BlobFolder, "*", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task Two_stores_registering_at_once_both_succeed_with_the_same_files()
    {
        using var home = new TemporaryFolder();

        var both = await Task.WhenAll(
            Task.Run(() => BuiltInEmbeddingModels.EnsureAsync(new ModelStore(new StrataPaths(home.Path)), BuiltInEmbeddingModels.MiniLm)),
            Task.Run(() => BuiltInEmbeddingModels.EnsureAsync(new ModelStore(new StrataPaths(home.Path)), BuiltInEmbeddingModels.MiniLm)));

        Assert.Equal(both[0].Files, both[1].Files);
        var store = new ModelStore(new StrataPaths(home.Path));
        Assert.All(store.Get(BuiltInEmbeddingModels.MiniLm).Files, file => Assert.True(File.Exists(store.PathOf(file))));
    }

    [Fact]
    public async Task A_built_in_model_is_found_by_name_on_a_fresh_store()
    {
        using var home = new TemporaryFolder();

        using var generator = await OnnxEmbeddingGenerator.FromStoreAsync(new ModelStore(new StrataPaths(home.Path)), BuiltInEmbeddingModels.MiniLm);

        Assert.Equal(384, generator.Dimensions);
    }

    [Fact]
    public async Task An_unknown_name_is_not_built_in()
    {
        using var home = new TemporaryFolder();
        var store = new ModelStore(new StrataPaths(home.Path));

        await Assert.ThrowsAsync<ArgumentException>(() => BuiltInEmbeddingModels.EnsureAsync(store, "no-such-model"));
        await Assert.ThrowsAsync<ModelNotFoundException>(() => OnnxEmbeddingGenerator.FromStoreAsync(store, "no-such-model"));
    }
}
