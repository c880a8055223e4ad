using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Strata.Server.Tests.Knowledge;

public sealed class CollectionsApiTests(KnowledgeServerFixture fixture) : IClassFixture<KnowledgeServerFixture>
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task A_collection_is_created_with_its_model_dimension_listed_described_and_dropped()
    {
        var created = await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/api/collections", new { name = "lifecycle" }), HttpStatusCode.Created);
        Assert.Equal(384, created.GetProperty("dimension").GetInt32());
        Assert.Equal("minilm", created.GetProperty("embeddingModel").GetString());
        Assert.Equal("cosine", created.GetProperty("distance").GetString());

        var list = await ApiAssert.OkAsync(await Client.GetAsync(new Uri("/api/collections", UriKind.Relative)));
        Assert.Contains(list.EnumerateArray(), c => c.GetProperty("name").GetString() == "lifecycle");
        var stats = await ApiAssert.OkAsync(await Client.GetAsync(new Uri("/api/collections/lifecycle", UriKind.Relative)));
        Assert.Equal(0, stats.GetProperty("count").GetInt64());
        Assert.Equal("current", stats.GetProperty("indexState").GetString());

        await ApiAssert.ErrorAsync(await Client.PostAsJsonAsync("/api/collections", new { name = "lifecycle" }), HttpStatusCode.Conflict, "collection_exists");
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync(new Uri("/api/collections/lifecycle", UriKind.Relative))).StatusCode);
        await ApiAssert.ErrorAsync(await Client.GetAsync(new Uri("/api/collections/lifecycle", UriKind.Relative)), HttpStatusCode.NotFound, "collection_not_found");
        Assert.Equal(HttpStatusCode.NotFound, (await Client.DeleteAsync(new Uri("/api/collections/lifecycle", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_name_with_spaces_dots_and_other_letters_works_through_the_api()
    {
        const string name = "field notes v2.ü";
        var created = await Client.PostAsJsonAsync("/api/collections", new { name, dimension = 3 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var address = new Uri("/api/collections/" + Uri.EscapeDataString(name), UriKind.Relative);
        using (var described = JsonDocument.Parse(await Client.GetStringAsync(address)))
        {
            Assert.Equal(name, described.RootElement.GetProperty("name").GetString());
        }

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync(address)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync(address)).StatusCode);
    }

    [Theory]
    [InlineData("""{"name":"../etc"}""", "invalid_collection_name")]
    [InlineData("""{"name":"a/b"}""", "invalid_collection_name")]
    [InlineData("""{"name":"bell\u0007"}""", "invalid_collection_name")]
    [InlineData("""{"name":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}""", "invalid_collection_name")]
    [InlineData("""{"name":"d","dimension":0}""", "invalid_value")]
    [InlineData("""{"name":"d","dimension":3,"distance":"manhattan"}""", "invalid_value")]
    [InlineData("""{"name":"d","dimension":"three"}""", "invalid_json")]
    [InlineData("""{"name":"d","embeddingModel":"no-such-model"}""", "model_not_found")]
    public async Task Bad_create_requests_get_a_4xx_naming_the_problem(string json, string code)
    {
        var response = await Client.PostAsync(new Uri("/api/collections", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        await ApiAssert.ErrorAsync(response, code == "model_not_found" ? HttpStatusCode.NotFound : HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task Records_are_upserted_read_scrolled_and_deleted_by_id_and_filter()
    {
        await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/api/collections", new { name = "records", dimension = 3 }), HttpStatusCode.Created);
        var records = new[]
        {
            new { id = "a", vector = new[] { 1f, 0, 0 }, document = "alpha", metadata = new { lang = "en", n = 1 } },
            new { id = "b", vector = new[] { 0f, 1, 0 }, document = "beta", metadata = new { lang = "de", n = 2 } },
            new { id = "c", vector = new[] { 0f, 0, 1 }, document = "gamma", metadata = new { lang = "en", n = 3 } },
        };
        var written = await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/api/collections/records/records", new { records }));
        Assert.Equal(3, written.GetProperty("count").GetInt32());

        var got = await ApiAssert.OkAsync(await Client.GetAsync(new Uri("/api/collections/records/records?ids=a&ids=c&ids=missing&includeVectors=true", UriKind.Relative)));
        Assert.Equal(["a", "c"], got.EnumerateArray().Select(r => r.GetProperty("id").GetString()).Order());
        Assert.Equal(3, got[0].GetProperty("vector").GetArrayLength());

        var page = await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/api/collections/records/records/scroll", new { filter = new { field = "lang", eq = "en" }, limit = 1 }));
        Assert.Equal("a", page.GetProperty("records")[0].GetProperty("id").GetString());
        var next = await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/api/collections/records/records/scroll",
            new { filter = new { field = "lang", eq = "en" }, limit = 1, cursor = page.GetProperty("nextCursor").GetString() }));
        Assert.Equal("c", next.GetProperty("records")[0].GetProperty("id").GetString());

        var byFilter = await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/api/collections/records/records/delete", new { filter = new { field = "n", gte = 3 } }));
        Assert.Equal(1, byFilter.GetProperty("count").GetInt32());
        var byId = await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/api/collections/records/records/delete", new { ids = new[] { "a", "zzz" } }));
        Assert.Equal(1, byId.GetProperty("count").GetInt32());
        var stats = await ApiAssert.OkAsync(await Client.GetAsync(new Uri("/api/collections/records", UriKind.Relative)));
        Assert.Equal(1, stats.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Wrong_dimensions_bad_filters_and_unknown_collections_are_clear_4xx_errors()
    {
        await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/api/collections", new { name = "errors", dimension = 3 }), HttpStatusCode.Created);

        var message = await ApiAssert.ErrorAsync(
            await Client.PostAsJsonAsync("/api/collections/errors/records", new { records = new[] { new { id = "x", vector = new[] { 1f, 2 } } } }),
            HttpStatusCode.BadRequest, "invalid_data");
        Assert.Contains("dimension", message, StringComparison.OrdinalIgnoreCase);
        await ApiAssert.ErrorAsync(await Client.PostAsJsonAsync("/api/collections/errors/search", new { vector = new[] { 1f, 0 } }), HttpStatusCode.BadRequest, "invalid_data");
        await ApiAssert.ErrorAsync(await Client.PostAsJsonAsync("/api/collections/errors/records", new { records = new[] { new { id = "x" } } }), HttpStatusCode.BadRequest, "missing_vector");

        await ApiAssert.ErrorAsync(await Client.PostAsJsonAsync("/api/collections/errors/search", new { text = "x", mode = "bm25", filter = "{not json" }), HttpStatusCode.BadRequest, "invalid_filter");
        await ApiAssert.ErrorAsync(await Client.PostAsJsonAsync("/api/collections/errors/search", new { text = "x", mode = "bm25", filter = new { field = "lang", like = "e%" } }), HttpStatusCode.BadRequest, "invalid_filter");
        await ApiAssert.ErrorAsync(await Client.PostAsJsonAsync("/api/collections/errors/records/delete", new { ids = new[] { "a" }, filter = new { field = "a", eq = 1 } }), HttpStatusCode.BadRequest, "invalid_value");
        await ApiAssert.ErrorAsync(await Client.PostAsJsonAsync("/api/collections/errors/search", new { text = "x", mode = "sideways" }), HttpStatusCode.BadRequest, "invalid_value");
        await ApiAssert.ErrorAsync(await Client.PostAsync(new Uri("/api/collections/errors/search", UriKind.Relative), new StringContent("{\"text\":", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "invalid_json");

        foreach (var request in new Func<Task<HttpResponseMessage>>[]
        {
            () => Client.GetAsync(new Uri("/api/collections/nope", UriKind.Relative)),
            () => Client.PostAsJsonAsync("/api/collections/nope/search", new { text = "x" }),
            () => Client.PostAsJsonAsync("/api/collections/nope/records", new { records = new[] { new { id = "x", vector = new[] { 1f } } } }),
            () => Client.GetAsync(new Uri("/api/collections/nope/documents", UriKind.Relative)),
            () => Client.PostAsJsonAsync("/api/collections/nope/ask", new { question = "why?" }),
        })
        {
            await ApiAssert.ErrorAsync(await request(), HttpStatusCode.NotFound, "collection_not_found");
        }
    }

    [Fact]
    public async Task Search_embeds_text_with_the_collection_model_and_filters_in_every_mode()
    {
        await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/api/collections", new { name = "search" }), HttpStatusCode.Created);
        var records = new[]
        {
            new { id = "food", document = "A man is eating a piece of bread.", metadata = new { kind = "food" } },
            new { id = "horse", document = "A man is riding a horse.", metadata = new { kind = "animal" } },
            new { id = "cat", document = "A cat sleeps on the warm windowsill.", metadata = new { kind = "animal" } },
        };
        await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/api/collections/search/records", new { records }));

        foreach (var mode in new[] { "dense", "hybrid" })
        {
            var hits = await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/api/collections/search/search", new { text = "A man is eating food.", mode, k = 3 }));
            Assert.Equal("food", hits.GetProperty("results")[0].GetProperty("id").GetString());
        }

        var bm25 = await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/api/collections/search/search", new { text = "horse", mode = "bm25" }));
        Assert.Equal(["horse"], bm25.GetProperty("results").EnumerateArray().Select(h => h.GetProperty("id").GetString()));

        var filtered = await ApiAssert.OkAsync(await Client.PostAsJsonAsync("/api/collections/search/search",
            new { text = "A man is eating food.", mode = "hybrid", filter = """{"field":"kind","eq":"animal"}""" }));
        Assert.All(filtered.GetProperty("results").EnumerateArray(), h => Assert.Equal("animal", h.GetProperty("metadata").GetProperty("kind").GetString()));
        Assert.Equal(2, filtered.GetProperty("results").GetArrayLength());
    }
}
