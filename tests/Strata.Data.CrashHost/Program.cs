using System.Globalization;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Tests.Support;

// Usage: Strata.Data.CrashHost DATA_DIR COLLECTION FIRST_RECORD BATCH_SIZE
// Upserts batches of deterministic records until killed; after each committed batch prints "acked <total>".
var database = new EmbeddedVectorDatabase(args[0]);
var first = int.Parse(args[2], CultureInfo.InvariantCulture);
var batchSize = int.Parse(args[3], CultureInfo.InvariantCulture);
using var collection = database.Exists(args[1]) ? database.Open(args[1]) : database.Create(new CollectionSpec(args[1], CrashRecords.Dimension));
for (var start = first; ; start += batchSize)
{
    collection.Upsert([.. Enumerable.Range(start, batchSize).Select(CrashRecords.Record)]);
    Console.Out.WriteLine($"acked {start + batchSize}");
    Console.Out.Flush();
}
