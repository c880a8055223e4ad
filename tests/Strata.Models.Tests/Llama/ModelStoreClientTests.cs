using Strata.Core;
using Strata.Models.Formats.Gguf;
using Strata.Models.Llama;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Models.Tests.Llama;

public sealed class ModelStoreClientTests
{
    [Fact]
    public async Task A_client_from_a_store_manifest_serves_the_imported_model_under_its_name()
    {
        using var home = new TemporaryFolder();
        var file = home.Combine("tiny.gguf");
        TinyLlamaGguf.Write(file);
        var store = new ModelStore(new StrataPaths(home.Combine("home")));
        var manifest = await new ModelImporter(store).ImportAsync(file, "tiny");

        using var client = LlamaChatClient.FromManifest(store, manifest, TinyModelFixture.Options);
        var response = await client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(3));

        Assert.Equal("tiny", response.ModelId);
        Assert.Equal(3, response.Usage!.OutputTokenCount);
    }
}
