using System.Globalization;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Postgres;
using Strata.Data.Tests.Support;

// Usage: Strata.Data.CrashHost embedded DATA_DIR COLLECTION FIRST_RECORD BATCH_SIZE
//        Strata.Data.CrashHost postgres COLLECTION FIRST_RECORD BATCH_SIZE   (connection string in STRATA_CRASH_CONNECTION_STRING,
//        kept off the command line, which every user of the machine can read)
// Upserts batches of deterministic records until killed; after each committed batch prints "acked <total>".
var (database, rest) = args[0] switch
{
    "embedded" => ((IVectorDatabase)new EmbeddedVectorDatabase(args[1]), args[2..]),
    "postgres" => (new PostgresVectorDatabase(Environment.GetEnvironmentVariable("STRATA_CRASH_CONNECTION_STRING")
        ?? throw new InvalidOperationException("STRATA_CRASH_CONNECTION_STRING is not set")), args[1..]),
    _ => throw new ArgumentException($"Unknown backend '{args[0]}': embedded or postgres."),
};
var name = rest[0];
var first = int.Parse(rest[1], CultureInfo.InvariantCulture);
var batchSize = int.Parse(rest[2], CultureInfo.InvariantCulture);
using var collection = await database.ExistsAsync(name) ? await database.OpenAsync(name) : await database.CreateAsync(new CollectionSpec(name, CrashRecords.Dimension));
for (var start = first; ; start += batchSize)
{
    await collection.UpsertAsync([.. Enumerable.Range(start, batchSize).Select(CrashRecords.Record)]);
    Console.Out.WriteLine($"acked {start + batchSize}");
    Console.Out.Flush();
}
