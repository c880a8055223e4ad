using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Strata.Core;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.Data.Ingestion;

namespace Strata.Server.Tests.Knowledge;

/// <summary>
/// The upload queue under pressure: a large document does not hold up small ones, stopping and removing work, limits on
/// what one document may expand to, a cap on tries, and uploads that are refused or renamed without losing anything.
/// </summary>
public sealed class IngestionQueueTests
{
    private const string Small = "# Tides\n\nThe ferry to Pellan leaves at noon when the tide is high.";

    [Fact]
    public async Task A_small_document_is_ready_while_a_large_one_is_still_being_ingested()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:IngestionWorkers"] = "2" });
        await CreateAsync(server, "mixed");
        await UploadAsync(server, "mixed", ("large.txt", Large()));
        await WaitForAsync(server, "mixed", "large.txt", "processing");

        await UploadAsync(server, "mixed", ("small.md", Encoding.UTF8.GetBytes(Small)));

        Assert.Equal("ready", await WaitForAsync(server, "mixed", "small.md", "ready", "failed"));
        Assert.Equal("processing", await StateAsync(server, "mixed", "large.txt"));
    }

    [Fact]
    public async Task Dropping_a_collection_stops_its_running_ingestion()
    {
        // One worker: while the dropped collection's document still held it, nothing else would be ingested.
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:IngestionWorkers"] = "1" });
        await CreateAsync(server, "dropped");
        await UploadAsync(server, "dropped", ("large.txt", Large(6_000_000)));
        await WaitForAsync(server, "dropped", "large.txt", "processing");

        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync(new Uri("/api/collections/dropped", UriKind.Relative))).StatusCode);
        await CreateAsync(server, "dropped");
        await UploadAsync(server, "dropped", ("small.md", Encoding.UTF8.GetBytes(Small)));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // Minutes of embedding were left of the large document; the small one needs seconds.
        Assert.Equal("ready", await WaitForAsync(server, "dropped", "small.md", "ready", "failed"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the small document waited {clock.Elapsed.TotalSeconds:0} s");
        var stats = await ApiAssert.OkAsync(await server.Client.GetAsync(new Uri("/api/collections/dropped", UriKind.Relative)));
        Assert.Equal(1, stats.GetProperty("count").GetInt64());
        Assert.Equal(["small.md"], (await ApiAssert.OkAsync(await server.Client.GetAsync(new Uri("/api/collections/dropped/documents", UriKind.Relative))))
            .EnumerateArray().Select(d => d.GetProperty("document").GetString()));
    }

    [Fact]
    public async Task An_upload_refused_because_the_queue_is_full_replaces_nothing_and_removing_a_document_stops_it()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Server:IngestionWorkers"] = "1", ["Server:IngestionQueueLength"] = "1",
        });
        await CreateAsync(server, "full");
        await UploadAsync(server, "full", ("notes.md", Encoding.UTF8.GetBytes(Small)));
        Assert.Equal("ready", await WaitForAsync(server, "full", "notes.md", "ready", "failed"));
        await UploadAsync(server, "full", ("large.txt", Large()));
        await WaitForAsync(server, "full", "large.txt", "processing");
        Assert.Equal(HttpStatusCode.Accepted, (await UploadAsync(server, "full", ("waiting.md", Encoding.UTF8.GetBytes(Small + " Waiting.")))).StatusCode);

        var refused = await UploadAsync(server, "full", ("notes.md", "# Tides\n\nA new version that must not land."u8.ToArray()));

        await ApiAssert.ErrorAsync(refused, HttpStatusCode.TooManyRequests, "ingestion_queue_full");
        Assert.Equal(Small, await File.ReadAllTextAsync(Path.Combine(server.Paths.Home, "uploads", "full", "notes.md")));
        Assert.Equal("ready", await StateAsync(server, "full", "notes.md"));
        var chunks = await ApiAssert.OkAsync(await server.Client.GetAsync(new Uri("/api/collections/full/documents/notes.md/chunks", UriKind.Relative)));
        Assert.Contains("ferry to Pellan", chunks[0].GetProperty("text").GetString(), StringComparison.Ordinal);

        // Removing the large document stops its ingestion: the one waiting behind it gets its turn.
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync(new Uri("/api/collections/full/documents/large.txt", UriKind.Relative))).StatusCode);
        Assert.Equal("ready", await WaitForAsync(server, "full", "waiting.md", "ready", "failed"));
        Assert.DoesNotContain("large.txt", await server.Client.GetStringAsync(new Uri("/api/collections/full/documents", UriKind.Relative)), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(server.Paths.Home, "uploads", "full", "large.txt")));
    }

    [Fact]
    public async Task A_document_that_keeps_running_past_its_time_is_failed_after_the_allowed_tries()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Server:IngestionTimeoutSeconds"] = "2", ["Server:IngestionAttempts"] = "2",
        });
        await CreateAsync(server, "slow");

        await UploadAsync(server, "slow", ("large.txt", Large()));

        Assert.Equal("failed", await WaitForAsync(server, "slow", "large.txt", "failed", "ready"));
        var reason = (await ApiAssert.OkAsync(await server.Client.GetAsync(new Uri("/api/collections/slow/documents/large.txt", UriKind.Relative)))).GetProperty("reason").GetString();
        Assert.Contains("2 times", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_left_unfinished_by_as_many_crashes_as_allowed_tries_is_failed_at_the_next_start()
    {
        // What the server leaves on disk when killed while ingesting the same upload three times.
        var paths = new StrataPaths(Path.Combine(Path.GetTempPath(), "strata-crash-test-" + Guid.NewGuid().ToString("N")));
        (await new EmbeddedVectorDatabase(paths.Data).CreateAsync(new CollectionSpec("crashy", 384, EmbeddingModel: "minilm"))).Dispose();
        var upload = Path.Combine(paths.Home, "uploads", "crashy", "poison.md");
        Directory.CreateDirectory(Path.GetDirectoryName(upload)!);
        await File.WriteAllTextAsync(upload, Small);
        await File.WriteAllTextAsync(Path.Combine(paths.Home, "uploads", "crashy", ".attempts.json"), """{"poison.md":3}""");
        using (var ledger = new IngestionLedger(IngestionPaths.Ledger(paths, "crashy")))
        {
            ledger.Save(new IngestedDocument(upload, "", DocumentState.Processing, null, null, 0, ["extract"], DateTimeOffset.UtcNow));
        }

        await using var server = await RunningServer.StartAsync(paths: paths);

        Assert.Equal("failed", await WaitForAsync(server, "crashy", "poison.md", "failed", "ready"));
        var reason = (await ApiAssert.OkAsync(await server.Client.GetAsync(new Uri("/api/collections/crashy/documents/poison.md", UriKind.Relative)))).GetProperty("reason").GetString();
        Assert.Contains("stopped 3 times", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_decompression_bomb_fails_with_the_limit_it_broke()
    {
        await using var server = await RunningServer.StartAsync();
        await CreateAsync(server, "bombs");

        var response = await UploadAsync(server, "bombs", ("bomb.docx", DocxBomb()));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("failed", await WaitForAsync(server, "bombs", "bomb.docx", "failed", "ready"));
        var reason = (await ApiAssert.OkAsync(await server.Client.GetAsync(new Uri("/api/collections/bombs/documents/bomb.docx", UriKind.Relative)))).GetProperty("reason").GetString();
        Assert.Contains("bytes of XML; the limit is", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_that_clean_up_alike_stay_two_documents_and_keep_their_extension()
    {
        await using var server = await RunningServer.StartAsync();
        await CreateAsync(server, "names");

        var accepted = await ApiAssert.OkAsync(await UploadAsync(server, "names",
            ("a b.md", "# One\n\nThe first document."u8.ToArray()), ("a_b.md", "# Two\n\nThe second document."u8.ToArray()), ("..md", "# Three\n\nThe third."u8.ToArray())), HttpStatusCode.Accepted);

        var names = accepted.EnumerateArray().Select(d => d.GetProperty("document").GetString()!).ToList();
        Assert.Equal(3, names.Distinct().Count());
        Assert.Contains("a_b.md", names);
        Assert.All(names, name => Assert.EndsWith(".md", name, StringComparison.Ordinal));
        Assert.All(names, name => Assert.False(name.StartsWith('.'), name));
        foreach (var name in names)
        {
            Assert.Equal("ready", await WaitForAsync(server, "names", name, "ready", "failed"));
        }
    }

    [Fact]
    public async Task A_file_in_a_field_other_than_file_is_a_400()
    {
        await using var server = await RunningServer.StartAsync();
        await CreateAsync(server, "fields");
        var form = new MultipartFormDataContent { { new ByteArrayContent("text"u8.ToArray()), "attachment", "a.txt" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/collections/fields/documents") { Content = form };
        request.Headers.Add("X-Strata-Request", "1");

        var message = await ApiAssert.ErrorAsync(await server.Client.SendAsync(request), HttpStatusCode.BadRequest, "invalid_value");

        Assert.Contains("'attachment'", message, StringComparison.Ordinal);
    }

    /// <summary>About 3 MB of varied sentences (by default): tens of seconds of embedding on a small machine.</summary>
    private static byte[] Large(int characters = 3_000_000)
    {
        var text = new StringBuilder();
        var random = new Random(17);
        string[] words = ["harbour", "pilot", "berth", "tide", "ferry", "quay", "lantern", "keeper", "granite", "island", "north", "south", "vessel", "cargo", "anchor", "storm"];
        while (text.Length < characters)
        {
            for (var i = 0; i < 12; i++)
            {
                text.Append(words[random.Next(words.Length)]).Append(' ');
            }

            text.Append(random.Next(100_000)).Append(".\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A 20 KB DOCX whose document part unpacks to 40 MB of XML.</summary>
    private static byte[] DocxBomb()
    {
        using var bytes = new MemoryStream();
        using (var zip = new ZipArchive(bytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var writer = new StreamWriter(zip.CreateEntry("[Content_Types].xml").Open()))
            {
                writer.Write("""<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>""");
            }

            using var document = new StreamWriter(zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize).Open());
            document.Write("""<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>""");
            var paragraph = "<w:p><w:r><w:t>" + new string('a', 1000) + "</w:t></w:r></w:p>";
            for (var i = 0; i < 40_000; i++)
            {
                document.Write(paragraph);
            }

            document.Write("</w:body></w:document>");
        }

        return bytes.ToArray();
    }

    private static async Task CreateAsync(RunningServer server, string name) =>
        await ApiAssert.OkAsync(await server.Client.PostAsJsonAsync("/api/collections", new { name, embeddingModel = "minilm", dimension = 384 }), HttpStatusCode.Created);

    private static Task<HttpResponseMessage> UploadAsync(RunningServer server, string collection, params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            form.Add(new ByteArrayContent(bytes), "file", name);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/collections/{collection}/documents") { Content = form };
        request.Headers.Add("X-Strata-Request", "1");
        return server.Client.SendAsync(request);
    }

    private static async Task<string?> StateAsync(RunningServer server, string collection, string document)
    {
        var response = await server.Client.GetAsync(new Uri($"/api/collections/{collection}/documents/{Uri.EscapeDataString(document)}", UriKind.Relative));
        return response.IsSuccessStatusCode ? (await ApiAssert.OkAsync(response)).GetProperty("state").GetString() : null;
    }

    /// <summary>Polls until the document reaches one of <paramref name="states"/> (the first is the one expected); returns it.</summary>
    private static async Task<string> WaitForAsync(RunningServer server, string collection, string document, params string[] states)
    {
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            if (await StateAsync(server, collection, document) is { } state && states.Contains(state))
            {
                return state;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{document} did not reach {string.Join(" or ", states)} within two minutes.");
    }
}
