using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Strata.Models.Store;
using Strata.Models.TestSupport;
using Strata.Server.Tests.Knowledge;
using Strata.TestSupport.HuggingFace;

namespace Strata.Server.Tests.ModelsApi;

/// <summary>
/// <c>POST /api/models/pull</c> against a real local server speaking the Hugging Face Hub's protocol (the server's
/// <c>HuggingFace:Endpoint</c> points at it), then the pulled model through <c>GET /api/models</c>, the store and
/// <c>DELETE /api/models/{name}</c>.
/// </summary>
public sealed class ModelPullTests : IAsyncLifetime
{
    private FakeHubServer hub = null!;
    private RunningServer server = null!;

    private ModelStore Store => new(server.Paths);

    public async Task InitializeAsync()
    {
        hub = await FakeHubServer.StartAsync();
        server = await RunningServer.StartAsync(new Dictionary<string, string?>
        {
            ["HuggingFace:Endpoint"] = hub.Endpoint.AbsoluteUri,
            // These tests pull synthetic files (a GGUF header with padding, an identity ONNX graph) to test the pull
            // protocol; the trial load that refuses such files is tested in the model layer (PullGateTests).
            ["Models:Runners"] = "false",
            ["Models:Llama:ContextSize"] = "512",
            ["Models:Llama:Threads"] = "1",
        });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await hub.DisposeAsync();
    }

    [Theory]
    [InlineData(PullEvents.Sse)]
    [InlineData(PullEvents.Ndjson)]
    public async Task A_pull_streams_ordered_progress_then_done_and_the_model_is_listed_stored_and_deleted(string mediaType)
    {
        (string Path, byte[] Content, bool Lfs)[] files =
        [
            ("onnx/model.onnx", TestModelBytes.OnnxIdentity(300_000, seed: 31), true),
            ("vocab.txt", TestModelBytes.Random(5_000, seed: 32), false),
            ("tokenizer.json", TestModelBytes.Random(40_000, seed: 33), true),
            ("config.json", """{"hidden_size": 4}"""u8.ToArray(), false),
            ("README.md", "# mini"u8.ToArray(), false),
        ];
        var commit = hub.AddRepository("sentence-transformers/mini", files);
        var pulled = files.Where(f => f.Path != "README.md").ToDictionary(f => f.Path, f => f.Content);

        var events = await PullEvents.PullAsync(server.Client, new { source = "hf://sentence-transformers/mini" }, mediaType);

        // Progress for each file in turn, never going back, each file complete before the next starts; then one "done".
        var progress = events[..^1];
        Assert.All(progress, e => Assert.Equal("progress", e.Status));
        Assert.Equal(Enumerable.Range(1, pulled.Count), progress.Select(e => e.FileNumber).Distinct());
        Assert.All(progress, e => Assert.Equal(pulled.Count, e.Data.GetProperty("fileCount").GetInt32()));
        for (var i = 1; i < progress.Count; i++)
        {
            var (before, after) = (progress[i - 1], progress[i]);
            if (after.FileNumber == before.FileNumber)
            {
                Assert.True(after.BytesDone >= before.BytesDone, $"event {i} went back from {before.BytesDone} to {after.BytesDone} bytes");
            }
            else
            {
                Assert.Equal(before.FileNumber + 1, after.FileNumber);
                Assert.Equal(before.TotalBytes, before.BytesDone);
            }
        }

        foreach (var file in progress.GroupBy(e => e.Text("file")!))
        {
            Assert.Equal(pulled[file.Key].Length, file.Last().TotalBytes);
            Assert.Equal(pulled[file.Key].Length, file.Last().BytesDone);
        }

        var done = events[^1];
        Assert.Equal("done", done.Status);
        Assert.Equal("sentence-transformers/mini", done.Text("model"));
        Assert.Equal("onnx", done.Text("format"));
        Assert.Equal(pulled.Values.Sum(c => (long)c.Length), done.Data.GetProperty("size").GetInt64());
        if (mediaType == PullEvents.Sse)
        {
            Assert.All(events, e => Assert.Equal(e.Status, e.Name));
        }

        var listed = await ListedAsync("sentence-transformers/mini");
        Assert.NotNull(listed);
        Assert.Equal("local", listed.Value.GetProperty("location").GetString());
        Assert.Equal("onnx", listed.Value.GetProperty("format").GetString());
        Assert.Equal("hf://sentence-transformers/mini@main", listed.Value.GetProperty("source").GetString());
        Assert.Equal(commit, listed.Value.GetProperty("revision").GetString());
        Assert.Equal(pulled.Count, listed.Value.GetProperty("files").GetInt32());
        Assert.Equal(["embeddings"], listed.Value.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));

        var manifest = Store.Get("sentence-transformers/mini");
        Assert.Equal(
            pulled.Select(f => (Path.GetFileName(f.Key), Sha256(f.Value), (long)f.Value.Length)).Order(),
            manifest.Files.Select(f => (Path.GetFileName(f.Path), f.Digest, f.Size)).Order());
        foreach (var file in manifest.Files)
        {
            Assert.Equal(file.Digest, Sha256(await File.ReadAllBytesAsync(Store.PathOf(file))));
        }

        var deleted = await server.Client.DeleteAsync(new Uri("/api/models/sentence-transformers/mini", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Null(await ListedAsync("sentence-transformers/mini"));
        Assert.Null(Store.Find("sentence-transformers/mini"));
        Assert.All(manifest.Files, file => Assert.False(File.Exists(Store.BlobPath(file.Digest)), $"{file.Path}'s blob is still stored"));
    }

    [Fact]
    public async Task A_pulled_gguf_answers_a_chat_completion_by_the_name_it_was_pulled_as()
    {
        var gguf = TinyLlamaGgufBytes();
        hub.AddRepository("acme/tiny-GGUF", ("tiny-q8_0.gguf", gguf, true), ("README.md", "# tiny"u8.ToArray(), false));

        var events = await PullEvents.PullAsync(server.Client, new { source = "hf://acme/tiny-GGUF", name = "tiny" }, PullEvents.Sse);

        Assert.Equal("done", events[^1].Status);
        Assert.Equal("gguf", events[^1].Text("format"));
        Assert.Equal(Sha256(gguf), Assert.Single(Store.Get("tiny").Files).Digest);
        var chat = await server.Client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "tiny",
            messages = new[] { new { role = "user", content = "Hello" } },
            max_tokens = 4,
            temperature = 0,
        });
        var answer = await ApiAssert.OkAsync(chat);
        Assert.Equal("tiny", answer.GetProperty("model").GetString());
        Assert.True(answer.GetProperty("usage").GetProperty("completion_tokens").GetInt32() is > 0 and <= 4);
    }

    [Theory]
    [InlineData("corrupt", PullEvents.Sse)]
    [InlineData("corrupt", PullEvents.Ndjson)]
    [InlineData("interrupted", PullEvents.Sse)]
    [InlineData("interrupted", PullEvents.Ndjson)]
    public async Task A_failed_download_ends_with_a_clear_error_event_and_leaves_the_store_unchanged(string fault, string mediaType)
    {
        // Another model is stored first: a failed pull must leave it, and everything else in the store, as it was.
        var kept = Path.Combine(server.Paths.Home, "kept.gguf");
        TinyLlamaGguf.Write(kept);
        await new ModelImporter(Store).ImportAsync(kept, "kept");
        var manifestsBefore = StoredFiles(Store.ManifestFolder);
        var blobsBefore = StoredFiles(Store.BlobFolder);
        var gguf = TestModelBytes.Gguf(600_000, seed: 34);
        hub.AddRepository("acme/broken", ("broken.gguf", gguf, true));
        if (fault == "corrupt")
        {
            hub.CorruptPaths.Add("broken.gguf");
        }
        else
        {
            // Every attempt is cut short, so the downloader's retries run out before the file is complete.
            hub.CutAfterBytes = 100_000;
            hub.Cuts = int.MaxValue;
        }

        var events = await PullEvents.PullAsync(server.Client, new { source = "hf://acme/broken" }, mediaType);

        var error = events[^1];
        Assert.Equal("error", error.Status);
        Assert.DoesNotContain(events, e => e.Status == "done");
        Assert.All(events[..^1], e => Assert.Equal("progress", e.Status));
        var message = error.Text("message")!;
        Assert.Contains(fault == "corrupt" ? "Checksum mismatch for 'broken.gguf'" : "run the pull again to resume", message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Paths.Home, message, StringComparison.Ordinal);
        Assert.Null(await ListedAsync("acme/broken"));
        Assert.Null(Store.Find("acme/broken"));
        Assert.Equal(manifestsBefore, StoredFiles(Store.ManifestFolder));
        Assert.Equal(blobsBefore, StoredFiles(Store.BlobFolder));
        Assert.NotNull(await ListedAsync("kept"));
    }

    [Fact]
    public async Task A_client_that_disconnects_cancels_its_pull_and_the_next_pull_resumes_the_partial_file()
    {
        var gguf = TestModelBytes.Gguf(400_000, seed: 35);
        hub.AddRepository("acme/stalled", ("stalled.gguf", gguf, true));
        hub.CutAfterBytes = 150_000;
        hub.StallReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/models/pull") { Content = JsonContent.Create(new { source = "hf://acme/stalled" }) })
        using (var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            response.EnsureSuccessStatusCode();
            await hub.StallReached.Task;
        }

        // The hub holds the body open until its client gives up: only the server cancelling the pull ends that transfer,
        // and until then the partial file stays locked by it. So a second pull that finishes proves the first was cancelled.
        hub.StallReached = null;
        hub.CutAfterBytes = 0;
        hub.Requests.Clear();
        List<PullEventRead> events;
        var attempts = 0;
        while (true)
        {
            events = await PullEvents.PullAsync(server.Client, new { source = "hf://acme/stalled" }, PullEvents.Ndjson);
            // The server notices the closed connection on its own schedule; until then the first pull still holds the file.
            if (events[^1].Status == "done" || !events[^1].Text("message")!.Contains("being downloaded", StringComparison.Ordinal) || ++attempts == 300)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.True(events[^1].Status == "done", events[^1].Data.GetRawText());
        // The pull that finished asked only for the bytes after those the cancelled one had written.
        var resumedAt = hub.Requests.Last(r => r.Server == "cdn").Range;
        Assert.Matches("^bytes=[1-9][0-9]*-$", resumedAt);
        Assert.Equal(Sha256(gguf), Assert.Single(Store.Get("acme/stalled").Files).Digest);
    }

    private async Task<JsonElement?> ListedAsync(string name)
    {
        var models = await ApiAssert.OkAsync(await server.Client.GetAsync(new Uri("/api/models", UriKind.Relative)));
        return models.EnumerateArray().Where(m => m.GetProperty("name").GetString() == name).Select(m => (JsonElement?)m).SingleOrDefault();
    }

    /// <summary>Every file under <paramref name="folder"/> with its SHA-256, so a changed byte shows as well as a new file.</summary>
    private static List<(string Path, string Sha256)> StoredFiles(string folder) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(path => (Path.GetRelativePath(folder, path), Sha256(File.ReadAllBytes(path)))).ToList()
            : [];

    private byte[] TinyLlamaGgufBytes()
    {
        var file = Path.Combine(server.Paths.Home, "upload.gguf");
        Directory.CreateDirectory(server.Paths.Home);
        TinyLlamaGguf.Write(file, new TinyLlamaOptions { ContextLength = 512 });
        var bytes = File.ReadAllBytes(file);
        File.Delete(file);
        return bytes;
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
