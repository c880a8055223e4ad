using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Strata.Core;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Server.Tests.OpenAi;

/// <summary><c>POST /v1/rerank</c> on a real server with a cross-encoder our own code writes (scores: shorter documents first).</summary>
public sealed class RerankEndpointTests(RerankEndpointTests.Fixture fixture) : IClassFixture<RerankEndpointTests.Fixture>
{
    [Fact]
    public async Task Results_come_best_first_with_indexes_scores_and_documents_on_request()
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/rerank", new
        {
            model = Fixture.Model, query = "red apple", documents = new[] { "one two three", "one", "one two" }, top_n = 2, return_documents = true,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = body.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([1, 2], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal(["one", "one two"], results.Select(r => r.GetProperty("document").GetProperty("text").GetString()));
        var expected = 1 / (1 + Math.Exp(-TinyCrossEncoderOnnx.Logit(2, 1)));
        Assert.Equal(expected, results[0].GetProperty("relevance_score").GetDouble(), 5);
        Assert.True(results[0].GetProperty("relevance_score").GetDouble() > results[1].GetProperty("relevance_score").GetDouble());
    }

    [Fact]
    public async Task Jina_style_document_objects_work_and_documents_are_left_out_unless_asked_for()
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/rerank", new { model = Fixture.Model, query = "q", documents = new[] { new { text = "a b" }, new { text = "a" } } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = body.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([1, 0], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.All(results, r => Assert.False(r.TryGetProperty("document", out _)));
    }

    [Theory]
    [InlineData("""{"query":"q","documents":["a"]}""", "model")]
    [InlineData("""{"model":"tiny-rerank","documents":["a"]}""", "query")]
    [InlineData("""{"model":"tiny-rerank","query":"q"}""", "documents")]
    [InlineData("""{"model":"tiny-rerank","query":"q","documents":[]}""", "documents")]
    [InlineData("""{"model":"tiny-rerank","query":"q","documents":[3]}""", "documents[0]")]
    [InlineData("""{"model":"tiny-rerank","query":"q","documents":["a"],"top_n":0}""", "top_n")]
    [InlineData("""{"model":"minilm","query":"q","documents":["a"]}""", "model")]
    public async Task Invalid_requests_get_400_naming_the_field(string json, string param)
    {
        var response = await fixture.Client.PostAsync(new Uri("/v1/rerank", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(param, body.RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task A_gguf_reranker_ranks_in_its_runner_by_llama_cpps_scores()
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/rerank", new
        {
            model = Fixture.GgufModel, query = "apple pie", documents = new[] { "red green pie", "apple", "apple apple pie" }, top_n = 2,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = body.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([2, 1], results.Select(r => r.GetProperty("index").GetInt32()));
        // apple apple pie: 3 of the 8 tokens of [CLS] apple pie [SEP] apple apple pie [SEP] are the keyword.
        var expected = 1 / (1 + Math.Exp(-TinyBertRerankerGguf.Logit(3, 8)));
        Assert.InRange(results[0].GetProperty("relevance_score").GetDouble(), expected - 0.002, expected + 0.002);
        Assert.IsType<Strata.Models.Runners.RunnerReranker>(fixture.Rerankers.Get(Fixture.GgufModel));
    }

    [Fact]
    public async Task A_reranker_runner_that_dies_is_a_503_naming_the_model_and_the_server_serves_the_next_request()
    {
        var reranker = Assert.IsType<Strata.Models.Runners.RunnerReranker>(fixture.Rerankers.Get(Fixture.CrashModel));
        // The runner must be running, and the kill must land while a request is inside it: a runner found dead before a
        // request is simply restarted by it. So a long request (many documents) is killed a moment after it is sent,
        // tried once more in the rare case it finished first (not more: three crashes in five minutes mark a model failing).
        var warm = await fixture.Client.PostAsJsonAsync("/v1/rerank", new { model = Fixture.CrashModel, query = "apple", documents = new[] { "apple" } });
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        var documents = Enumerable.Range(0, 400).Select(i => string.Join(' ', Enumerable.Repeat(i % 2 == 0 ? "apple pie" : "red tree", 30))).ToArray();
        HttpResponseMessage failed = null!;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var request = fixture.Client.PostAsJsonAsync("/v1/rerank", new { model = Fixture.CrashModel, query = "apple", documents });
            await Task.Delay(50 * (attempt + 1));
            reranker.KillRunner();
            failed = await request;
            if (failed.StatusCode != HttpStatusCode.OK)
            {
                break;
            }
        }

        var next = await fixture.Client.PostAsJsonAsync("/v1/rerank", new { model = Fixture.CrashModel, query = "apple", documents = new[] { "apple", "pie" } });

        var text = await failed.Content.ReadAsStringAsync();
        Assert.True(failed.StatusCode == HttpStatusCode.ServiceUnavailable, text);
        Assert.Contains($"The runner of model '{Fixture.CrashModel}' was killed by SIGKILL", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task An_unknown_model_gets_404_model_not_found()
    {
        var response = await fixture.Client.PostAsJsonAsync("/rerank", new { model = "no-such-reranker", query = "q", documents = new[] { "a" } });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>A server whose store holds the tiny cross-encoder (with MiniLM's vocabulary) and the built-in MiniLM.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public const string Model = "tiny-rerank";

        /// <summary>The tiny BERT reranker our own code writes (<see cref="TinyBertRerankerGguf"/>).</summary>
        public const string GgufModel = "tiny-bert-rerank";

        /// <summary>The same reranker under another name, whose runner a test kills.</summary>
        public const string CrashModel = "tiny-bert-rerank-crash";

        private RunningServer? server;

        public HttpClient Client => (server ?? throw new InvalidOperationException("The server is not started.")).Client;

        public Strata.Models.Reranking.RerankerCatalog Rerankers =>
            (Strata.Models.Reranking.RerankerCatalog)(server ?? throw new InvalidOperationException("The server is not started.")).Services.GetService(typeof(Strata.Models.Reranking.RerankerCatalog))!;

        public async Task InitializeAsync()
        {
            var paths = new StrataPaths(Path.Combine(Path.GetTempPath(), "strata-rerank-test-" + Guid.NewGuid().ToString("N")));
            Directory.CreateDirectory(paths.Home);
            var store = new ModelStore(paths);
            await TinyCrossEncoderOnnx.SaveAsync(store, Model);
            var gguf = Path.Combine(paths.Home, "tiny-bert-reranker.gguf");
            TinyBertRerankerGguf.Write(gguf);
            await new ModelImporter(store).ImportAsync(gguf, GgufModel);
            await new ModelImporter(store).ImportAsync(gguf, CrashModel);
            server = await RunningServer.StartAsync(new Dictionary<string, string?>(), paths);
        }

        public async Task DisposeAsync()
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }
}
