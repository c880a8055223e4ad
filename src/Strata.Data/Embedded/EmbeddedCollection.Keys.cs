using System.Globalization;
using Strata.Data.Collections;

namespace Strata.Data.Embedded;

/// <summary>Integer keys for records whose key the caller leaves to the store (the VectorData contract's generated keys).</summary>
public sealed partial class EmbeddedCollection
{
    // The counter starts above the largest decimal id of at most 18 digits already stored (18 digits always fit a long),
    // so generated keys never replace records written with keys of their own before the first reservation.
    private const string StartKeyCounter = $"""
        INSERT INTO settings(key, value)
        SELECT '{CollectionSchema.KeyCounterKey}', coalesce(max(CAST(id AS INTEGER)), 0) FROM records
        WHERE id <> '' AND length(id) <= 18 AND id NOT GLOB '*[^0-9]*'
        ON CONFLICT(key) DO NOTHING
        """;

    /// <summary>Reserves <paramref name="count"/> consecutive keys in one write transaction (see <see cref="IVectorCollection.ReserveKeysAsync"/>).</summary>
    public Task<IReadOnlyList<long>> ReserveKeysAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return SynchronousWork.Run(() => ReserveKeys(count), cancellationToken);
    }

    private IReadOnlyList<long> ReserveKeys(int count)
    {
        lock (gate)
        {
            long last = 0;
            Write(transaction =>
            {
                SqliteStore.Execute(connection, StartKeyCounter, transaction);
                using var command = SqliteStore.Command(connection, "UPDATE settings SET value = CAST(value AS INTEGER) + @n WHERE key = @k RETURNING value", transaction,
                    ("@n", count), ("@k", CollectionSchema.KeyCounterKey));
                last = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            });
            return [.. Enumerable.Range(1, count).Select(i => last - count + i)];
        }
    }
}
