using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Strata.Data.Embedded;

/// <summary>
/// In how many source documents each query word occurs, for one state of a collection (its write sequence), so that the
/// document query can leave out the words that occur in at least half of the documents. FTS5's BM25 gives such a word
/// an idf of 1e-6 (it clamps the negative idf of <c>log((N - n + 0.5) / (n + 0.5))</c>), so the word moves no document's
/// score, yet FTS5 still reads its position lists in every document it occurs in: for "the" and "a" over 46 or 317 whole
/// reference pages that was most of the document query's time (5.4 ms a query with them, 1.0 ms without, on the 46 pages).
/// </summary>
/// <remarks>
/// The counts come from FTS5 itself (a MATCH of the single word), so the word is tokenized and stemmed exactly as the
/// query will be; each distinct word is counted once per state, then read from memory.
/// </remarks>
internal sealed class DocumentFrequencies(long sequence, long documents)
{
    // Bounds the memory of a collection queried with many distinct words; the counts are cheap to take again.
    private const int MaxWords = 4096;
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);

    /// <summary>The collection's write sequence these counts belong to.</summary>
    public long Sequence => sequence;

    /// <summary>Whether <paramref name="word"/> occurs in at least half of the source documents (so its idf is clamped).</summary>
    public bool IsCommon(string word, SqliteConnection reader)
    {
        var key = word.ToLowerInvariant();
        if (!counts.TryGetValue(key, out var count))
        {
            using var command = SqliteStore.Command(reader, "SELECT count(*) FROM source_texts WHERE source_texts MATCH @word", null, ("@word", "\"" + word + "\""));
            count = (long)command.ExecuteScalar()!;
            if (counts.Count >= MaxWords)
            {
                counts.Clear();
            }

            counts[key] = count;
        }

        return 2 * count >= documents;
    }
}
