using System.Text.Json.Nodes;
using Strata.Data.Collections;
using Strata.Data.Filters;
using Strata.Data.Search;

namespace Strata.Data.Tests.Conformance;

/// <summary>Full-text and hybrid search over a metadata field (<see cref="SearchOptions.TextField"/>), the same on every backend.</summary>
public abstract partial class VectorCollectionConformanceTests
{
    private static readonly string[] Titles =
    [
        "the quick brown fox jumps over the fence",
        "a lazy brown dog sleeps all day long in the sun",
        "fox and dog are friends",
        "nothing relevant here at all",
        "brown brown brown",
    ];

    [Fact]
    public async Task A_metadata_field_is_ranked_as_the_document_is_when_it_holds_the_same_text()
    {
        // One collection holds the titles as documents, the other in a "title" field under unrelated documents.
        var byDocument = await NewCollectionAsync();
        var byField = await NewCollectionAsync();
        await byDocument.UpsertAsync([.. Titles.Select((title, i) => new VectorRecord($"r{i}", Axis(i), title, new JsonObject { ["n"] = i }))]);
        await byField.UpsertAsync([
            .. Titles.Select((title, i) => new VectorRecord($"r{i}", Axis(i), "unrelated words only", new JsonObject { ["n"] = i, ["title"] = title })),
            // A number has no words, and a record without the field has none either: neither is scored by the field.
            new VectorRecord("number", Axis(6), "brown fox", new JsonObject { ["n"] = 9, ["title"] = 7 }),
            new VectorRecord("absent", Axis(7), "brown fox", new JsonObject { ["n"] = 9 }),
        ]);
        var field = new SearchOptions { K = 10, TextField = "title" };

        var documentText = await byDocument.SearchTextAsync("brown fox", new SearchOptions { K = 10 });
        var fieldText = await byField.SearchTextAsync("brown fox", field);
        var documentHybrid = await byDocument.SearchHybridAsync(Axis(2), "brown fox", new SearchOptions { K = 5 });
        var fieldHybrid = await byField.SearchHybridAsync(Axis(2), "brown fox", field with { K = 5, Filter = MetadataFilter.Parse("""{"field":"n","lt":9}""") });
        var filtered = await byField.SearchTextAsync("brown fox", field with { Filter = MetadataFilter.Parse("""{"field":"n","in":[1,2]}""") });

        Assert.Equal(4, documentText.Count);
        Assert.Equal(documentText.Select(h => (h.Id, Math.Round(h.Score, 9))), fieldText.Select(h => (h.Id, Math.Round(h.Score, 9))));
        Assert.Equal(documentHybrid.Select(h => (h.Id, Math.Round(h.Score, 9))), fieldHybrid.Select(h => (h.Id, Math.Round(h.Score, 9))));
        Assert.Equal(["r1", "r2"], filtered.Select(h => h.Id).Order());
        Assert.Equal(documentText.Where(h => h.Id is "r1" or "r2").Select(h => h.Score), filtered.Select(h => h.Score));
        Assert.Equal("unrelated words only", fieldText[0].Document);
    }

    [Fact]
    public async Task A_text_field_that_could_change_a_JSON_path_is_refused()
    {
        var collection = await NewCollectionAsync();
        await collection.UpsertAsync(Library());

        await Assert.ThrowsAsync<StrataDataException>(() => collection.SearchTextAsync("fox", new SearchOptions { TextField = "a\"b" }));
        await Assert.ThrowsAsync<StrataDataException>(() => collection.SearchHybridAsync(Axis(0), "fox", new SearchOptions { TextField = "" }));
    }
}
