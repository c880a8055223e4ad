using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Strata.Data.Hnsw;

namespace Strata.Data.Embedded;

/// <summary>
/// The passing nodes of recently used filters, each kept for the one state of the graph it was computed on
/// (<see cref="HnswIndex.Version"/>). Evaluating a filter means running it in SQLite over every record (json_extract per
/// row) and looking every passing id up in the graph, which at 50,000 passing records of 100,000 costs far more than the
/// walk itself; applications tend to repeat the same filters (a tenant, a language, a product line). Any change to the
/// graph changes its version, so a stale set is never used: a search sees exactly the records it would have seen by
/// evaluating the filter again.
/// </summary>
internal sealed class FilteredNodeCache
{
    /// <summary>Filters kept; past this the cache starts over (a set is 1 bit per node: 12.5 KB at 100,000 nodes).</summary>
    private const int Capacity = 32;

    private readonly ConcurrentDictionary<string, (long Version, AllowedNodes Nodes)> entries = new(StringComparer.Ordinal);

    /// <summary>The set cached for <paramref name="key"/> on the graph state <paramref name="version"/>, if any.</summary>
    public AllowedNodes? Find(string key, long version) =>
        entries.TryGetValue(key, out var entry) && entry.Version == version ? entry.Nodes : null;

    /// <summary>Keeps <paramref name="nodes"/>, the passing nodes of <paramref name="key"/> on graph state <paramref name="version"/>.</summary>
    public void Store(string key, long version, AllowedNodes nodes)
    {
        if (entries.Count >= Capacity && !entries.ContainsKey(key))
        {
            entries.Clear();
        }

        entries[key] = (version, nodes);
    }

    /// <summary>
    /// A key equal for filters that select the same records: the SQL the filter becomes and its parameters, typed (so
    /// the number 1 and the string "1" differ).
    /// </summary>
    public static string KeyOf(string sql, IReadOnlyList<SqliteParameter> parameters)
    {
        var key = new StringBuilder(sql);
        foreach (var parameter in parameters)
        {
            var value = parameter.Value;
            key.Append('\u0001').Append(value?.GetType().Name).Append(':')
                .Append(value is double number ? number.ToString("R", CultureInfo.InvariantCulture) : Convert.ToString(value, CultureInfo.InvariantCulture));
        }

        return key.ToString();
    }
}
