using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Strata.Data.Collections;

namespace Strata.Cli.Commands;

/// <summary><c>strata upsert -c NAME FILE.jsonl [--batch-size N]</c>: load records, acknowledging each durable batch.</summary>
internal static class UpsertCommand
{
    public static Command Create()
    {
        var collectionName = new Option<string>("--collection", "-c") { Description = "The collection", Required = true };
        var file = new Argument<string>("file") { Description = "JSON lines: {\"id\":..,\"vector\":[..],\"document\":..,\"metadata\":{..}} ('-' for standard input)" };
        var batchSize = new Option<int>("--batch-size") { Description = "Records per transaction", DefaultValueFactory = _ => 256 };
        var command = new Command("upsert", "Insert or replace records from a JSONL file; prints 'acked N' (running total) after each durable batch") { collectionName, file, batchSize };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var size = parse.GetValue(batchSize);
            if (size < 1)
            {
                throw new CliUsageException("--batch-size must be at least 1.");
            }

            using var collection = await DataCommandSupport.Database(CliContext.Create(parse)).OpenAsync(parse.GetRequiredValue(collectionName), cancellationToken);
            var path = parse.GetRequiredValue(file);
            using var reader = path == "-" ? Console.In : new StreamReader(path);
            var batch = new List<VectorRecord>(size);
            var acked = 0L;
            var lineNumber = 0;
            async Task FlushAsync()
            {
                await collection.UpsertAsync(batch, cancellationToken);
                acked += batch.Count;
                batch.Clear();
                // Only now is the batch committed: the line tells a caller exactly what is safe.
                Console.Out.WriteLine($"acked {acked}");
                Console.Out.Flush();
            }

            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                if (!string.IsNullOrWhiteSpace(line))
                {
                    batch.Add(Parse(line, lineNumber));
                    if (batch.Count == size)
                    {
                        await FlushAsync();
                    }
                }
            }

            if (batch.Count > 0)
            {
                await FlushAsync();
            }

            return 0;
        }));
        return command;
    }

    private static VectorRecord Parse(string line, int lineNumber)
    {
        try
        {
            var node = JsonNode.Parse(line) as JsonObject ?? throw new FormatException("not a JSON object");
            var id = node["id"]?.GetValue<string>() ?? throw new FormatException("missing \"id\"");
            var vector = node["vector"]?.Deserialize<float[]>() ?? throw new FormatException("missing \"vector\"");
            var metadata = node["metadata"] switch
            {
                null => null,
                JsonObject obj => (JsonObject)obj.DeepClone(),
                _ => throw new FormatException("\"metadata\" must be an object"),
            };
            return new VectorRecord(id, vector, node["document"]?.GetValue<string>(), metadata);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new FormatException($"line {lineNumber}: {e.Message}", e);
        }
    }
}
