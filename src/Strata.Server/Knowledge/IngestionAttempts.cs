using System.Text.Json;

namespace Strata.Server.Knowledge;

/// <summary>
/// How many times each uploaded document's ingestion has started without finishing, kept on disk beside the uploads
/// (<c>uploads/COLLECTION/.attempts.json</c>) so the count survives a crash: a document that takes the server down
/// (or runs past its time) again and again is marked failed after <c>Server:IngestionAttempts</c> tries instead of
/// being retried at every start. A try that ends, in any way but a shutdown, clears its count.
/// </summary>
internal sealed class IngestionAttempts(UploadFolder uploads)
{
    private readonly Lock gate = new();

    /// <summary>Counts a try of <paramref name="file"/> as started and returns how many tries that makes.</summary>
    public int Start(string collection, string file) => Update(collection, file, count => count + 1);

    /// <summary>Takes back a try that a shutdown interrupted: it was not the document's fault.</summary>
    public void Interrupted(string collection, string file) => Update(collection, file, count => Math.Max(0, count - 1));

    /// <summary>Forgets <paramref name="file"/>'s tries: it finished (ready or failed), was replaced or removed.</summary>
    public void Clear(string collection, string file) => Update(collection, file, _ => 0);

    private int Update(string collection, string file, Func<int, int> change)
    {
        var path = Path.Combine(uploads.Of(collection), ".attempts.json");
        var name = Path.GetFileName(file);
        lock (gate)
        {
            Dictionary<string, int> counts;
            try
            {
                counts = File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllBytes(path)) ?? [] : [];
            }
            catch (JsonException)
            {
                counts = [];
            }

            var count = change(counts.GetValueOrDefault(name));
            if (count == counts.GetValueOrDefault(name))
            {
                return count;
            }

            if (count == 0)
            {
                counts.Remove(name);
            }
            else
            {
                counts[name] = count;
            }

            if (!Directory.Exists(Path.GetDirectoryName(path)))
            {
                return count; // The collection was dropped with its uploads.
            }

            var temporary = path + ".tmp";
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(counts));
            File.Move(temporary, path, overwrite: true);
            return count;
        }
    }
}
