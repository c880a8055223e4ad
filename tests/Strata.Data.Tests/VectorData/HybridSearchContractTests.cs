using Microsoft.Extensions.VectorData;
using Strata.Data.Tests.Postgres;

namespace Strata.Data.Tests.VectorData;

/// <summary>
/// Hybrid search through the Microsoft.Extensions.VectorData contract over any full-text-indexed string property, on
/// each backend: the first one is the record's document (the keyword index), a second one is read from the metadata,
/// and both rank, fuse, filter and page alike.
/// </summary>
public abstract class HybridSearchContractTests : ContractBackend
{
    public sealed class Note
    {
        public int Key { get; set; }

        public string? Title { get; set; }

        public string? Body { get; set; }

        public string Tag { get; set; } = "";

        public int Year { get; set; }

        public ReadOnlyMemory<float> Vector { get; set; }
    }

    private async Task<VectorStoreCollection<int, Note>> Notes(string name, params Note[] notes)
    {
        var collection = Store().GetCollection<int, Note>(name, new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Key", typeof(int)),
                // The first full-text-indexed string property is the document; Body is the second.
                new VectorStoreDataProperty("Title", typeof(string)) { IsFullTextIndexed = true },
                new VectorStoreDataProperty("Body", typeof(string)) { IsFullTextIndexed = true },
                new VectorStoreDataProperty("Tag", typeof(string)) { IsIndexed = true },
                new VectorStoreDataProperty("Year", typeof(int)) { IsIndexed = true },
                new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), 2),
            ],
        });
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(notes);
        return collection;
    }

    private static readonly ReadOnlyMemory<float> Same = new float[] { 1, 0 };

    private static Task<List<VectorSearchResult<Note>>> Hybrid(VectorStoreCollection<int, Note> notes, string keyword, int top, HybridSearchOptions<Note> options) =>
        ((IKeywordHybridSearchable<Note>)notes).HybridSearchAsync(Same, [keyword], top, options).ToListAsync().AsTask();

    [Fact]
    public async Task Each_text_property_finds_the_record_whose_own_text_matches()
    {
        // Every vector is the same, so the keyword side alone orders the records.
        var notes = await Notes("two-texts",
            new Note { Key = 1, Title = "apples", Body = "oranges", Vector = Same },
            new Note { Key = 2, Title = "oranges", Body = "apples", Vector = Same });

        var byBody = await Hybrid(notes, "apples", 4, new() { AdditionalProperty = n => n.Body });
        var byTitle = await Hybrid(notes, "apples", 4, new() { AdditionalProperty = n => n.Title });
        // "apple" meets "apples" through the same stemming the document path applies.
        var stemmed = await Hybrid(notes, "apple", 1, new() { AdditionalProperty = n => n.Body });

        Assert.Equal([2, 1], byBody.Select(r => r.Record.Key));
        Assert.Equal([1, 2], byTitle.Select(r => r.Record.Key));
        Assert.Equal(2, Assert.Single(stemmed).Record.Key);
        Assert.True(byBody[0].Score > byBody[1].Score);
    }

    [Fact]
    public async Task A_second_text_property_ranks_and_scores_as_the_document_does_for_the_same_texts()
    {
        // Body holds the same text as Title, so the two paths see the same words and must give the same fused scores.
        (string Text, float[] Vector)[] texts =
        [
            ("the quick brown fox jumps over the fence", [1, 0]),
            ("a lazy brown dog sleeps all day long in the sun", [0, 1]),
            ("fox and dog are friends", [0.7f, 0.7f]),
            ("nothing relevant here at all", [-1, 0]),
            ("brown brown brown", [0.2f, -1]),
        ];
        var notes = await Notes("same-texts", [.. texts.Select((t, i) => new Note { Key = i + 1, Title = t.Text, Body = t.Text, Vector = t.Vector })]);
        var hybrid = (IKeywordHybridSearchable<Note>)notes;
        var query = new ReadOnlyMemory<float>([0.6f, 0.8f]);

        var byDocument = await hybrid.HybridSearchAsync(query, ["brown", "fox"], 5, new() { AdditionalProperty = n => n.Title }).ToListAsync();
        var byBody = await hybrid.HybridSearchAsync(query, ["brown", "fox"], 5, new() { AdditionalProperty = n => n.Body }).ToListAsync();

        Assert.Equal(5, byDocument.Count);
        Assert.Equal(byDocument.Select(r => r.Record.Key), byBody.Select(r => r.Record.Key));
        Assert.Equal(byDocument.Select(r => r.Score!.Value), byBody.Select(r => r.Score!.Value), (a, b) => Math.Abs(a - b) < 1e-9);
        // Both lists weigh in, so the fused scores differ and the comparison above is not between equal numbers.
        Assert.True(byBody.Select(r => r.Score).Distinct().Count() >= 4);
    }

    [Fact]
    public async Task Filters_Skip_Top_and_ScoreThreshold_apply_to_a_second_text_property()
    {
        var notes = await Notes("second-text-paging",
            new Note { Key = 1, Title = "apples", Body = "oranges", Tag = "fruit", Vector = Same },
            new Note { Key = 2, Title = "oranges", Body = "apples", Tag = "fruit", Vector = Same },
            new Note { Key = 3, Title = "pears", Body = "apples and pears", Tag = "orchard", Vector = Same },
            new Note { Key = 4, Title = "apples", Body = null, Tag = "orchard", Vector = Same });

        var orchard = await Hybrid(notes, "apples", 4, new() { AdditionalProperty = n => n.Body, Filter = n => n.Tag == "orchard" });
        var withoutTwo = await Hybrid(notes, "apples", 1, new() { AdditionalProperty = n => n.Body, Filter = n => n.Key != 2 });
        var all = await Hybrid(notes, "apples", 4, new() { AdditionalProperty = n => n.Body });
        var skipped = await Hybrid(notes, "apples", 4, new() { AdditionalProperty = n => n.Body, Skip = 1 });
        // Equal vectors score 0.5 of the fused score each; the keyword side adds 0.5 times its min-max scaled score, so
        // only the best keyword match (the shorter "apples") scores above 0.75.
        var above = await Hybrid(notes, "apples", 4, new() { AdditionalProperty = n => n.Body, ScoreThreshold = 0.75 });

        // Within the filter, record 3 is the one Body match, so it leads; record 4 has no Body and is found by its vector only.
        Assert.Equal([3, 4], orchard.Select(r => r.Record.Key));
        Assert.Equal("apples and pears", orchard[0].Record.Body);
        Assert.Equal(3, Assert.Single(withoutTwo).Record.Key);
        Assert.Equal(4, all.Count);
        Assert.Equal(2, all[0].Record.Key);
        Assert.Equal(all.Skip(1).Select(r => r.Record.Key), skipped.Select(r => r.Record.Key));
        Assert.Equal(2, Assert.Single(above).Record.Key);
    }

    [Fact]
    public async Task A_property_that_is_not_a_full_text_string_is_refused()
    {
        var notes = await Notes("refused-texts", new Note { Key = 1, Title = "apples", Body = "oranges", Tag = "apples", Year = 2020, Vector = Same });

        // As every connector that uses the contract's helper: a property not marked full-text-indexed, or no property named
        // when there are two, is an InvalidOperationException.
        await Assert.ThrowsAsync<InvalidOperationException>(() => Hybrid(notes, "apples", 1, new() { AdditionalProperty = n => n.Tag }));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Hybrid(notes, "apples", 1, new()));

        var years = Store().GetCollection<int, Note>("full-text-year", new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Key", typeof(int)),
                new VectorStoreDataProperty("Title", typeof(string)) { IsFullTextIndexed = true },
                new VectorStoreDataProperty("Year", typeof(int)) { IsFullTextIndexed = true },
                new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), 2),
            ],
        });
        await years.EnsureCollectionExistsAsync();
        await years.UpsertAsync(new Note { Key = 1, Title = "apples", Year = 2020, Vector = Same });

        // A number has no words to rank.
        await Assert.ThrowsAsync<NotSupportedException>(() => Hybrid(years, "2020", 1, new() { AdditionalProperty = n => n.Year }));
    }
}

public sealed class EmbeddedHybridSearchContractTests : HybridSearchContractTests
{
    protected override Dictionary<string, string?> Settings(TemporaryFolder folder) => ContractSettings.Embedded(folder);
}

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresHybridSearchContractTests(PostgresFixture fixture) : HybridSearchContractTests
{
    protected override Dictionary<string, string?> Settings(TemporaryFolder folder) => ContractSettings.Postgres(fixture);
}
