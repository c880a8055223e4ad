using Microsoft.Data.Sqlite;
using Strata.Data.Embedded;

namespace Strata.Data.Tests.Embedded;

/// <summary>Which query words the document query leaves out: those in at least half of the documents, as FTS5 counts them.</summary>
public sealed class DocumentFrequenciesTests : IDisposable
{
    private readonly SqliteConnection connection = new("Data Source=:memory:");

    public DocumentFrequenciesTests()
    {
        connection.Open();
        using var command = connection.CreateCommand();
        // The same tokenizer as the collection's source_texts table (CollectionSchema).
        command.CommandText = """
            CREATE VIRTUAL TABLE source_texts USING fts5(text, tokenize = 'porter unicode61');
            INSERT INTO source_texts(text) VALUES ('a queue of tasks'), ('the queues are bounded'), ('a list of items'), ('sorting the items');
            """;
        command.ExecuteNonQuery();
    }

    public void Dispose() => connection.Dispose();

    [Theory]
    [InlineData("a", true)] // 2 of 4: idf log((4 - 2 + 0.5) / (2 + 0.5)) = 0, clamped
    [InlineData("The", true)] // case folded as FTS5 folds it
    [InlineData("queue", true)] // "queue" and "queues" stem alike
    [InlineData("tasks", false)] // 1 of 4
    [InlineData("deque", false)] // in none
    public void A_word_in_at_least_half_of_the_documents_is_common(string word, bool common)
    {
        var frequencies = new DocumentFrequencies(sequence: 1, documents: 4);
        Assert.Equal(common, frequencies.IsCommon(word, connection));
    }

    [Fact]
    public void Counts_belong_to_one_state_of_the_collection()
    {
        var frequencies = new DocumentFrequencies(sequence: 7, documents: 4);
        Assert.False(frequencies.IsCommon("tasks", connection));
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO source_texts(text) VALUES ('more tasks')";
            command.ExecuteNonQuery();
        }

        // A count taken once is kept for this state: the collection makes a new set when its write sequence moves.
        Assert.False(frequencies.IsCommon("tasks", connection));
        Assert.False(new DocumentFrequencies(sequence: 8, documents: 5).IsCommon("tasks", connection));
        Assert.True(new DocumentFrequencies(sequence: 8, documents: 4).IsCommon("tasks", connection));
        Assert.Equal(7, frequencies.Sequence);
    }
}
