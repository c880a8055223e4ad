using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Benchmarks.Serving;
using Strata.Server;

namespace Strata.Benchmarks.Ingestion;

/// <summary>
/// The server's upload queue with two ingestion workers against one (<c>Server:IngestionWorkers</c>), each on its own
/// real <c>strata serve</c>, in alternating rounds: documents/s over a folder of mixed sizes (Debian's reference manual,
/// 11 KB to 389 KB of HTML), and how long a small document uploaded right behind the largest one waits until it is
/// ready (reported as 1 / wait, so higher is better like every other row).
/// </summary>
internal sealed class IngestionWorkersBenchmark : IBenchmark
{
    private const string Folder = "/usr/share/debian-reference";

    public string Name => "ingestion-workers";

    public string Description => "strata serve's upload queue, 2 ingestion workers vs 1: documents/s over Debian reference (mixed sizes), and a small document's wait behind the largest";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var files = Directory.Exists(Folder)
            ? Directory.GetFiles(Folder, "*.en.html").Select(path => new FileInfo(path)).OrderBy(file => file.Name, StringComparer.Ordinal).ToList()
            : [];
        if (files.Count < 3)
        {
            throw new InvalidOperationException($"No Debian reference chapters in {Folder}: install the debian-reference-en package (scripts/install-test-deps.sh).");
        }

        if (options.Quick)
        {
            // The largest, the smallest and a few between: still mixed, a fraction of the embedding.
            files = [.. files.OrderBy(file => file.Length).Where((_, i) => i % 4 == 0)];
        }

        var largest = files.MaxBy(file => file.Length)!;
        var smallest = files.MinBy(file => file.Length)!;
        await using var two = await QueueServer.StartAsync(workers: 2, cancellationToken);
        await using var one = await QueueServer.StartAsync(workers: 1, cancellationToken);
        // Warm both (MiniLM's runner started, JIT done) outside the rounds.
        await two.IngestAsync([smallest], cancellationToken);
        await one.IngestAsync([smallest], cancellationToken);

        var (twoRate, oneRate) = await Measure.AlternatingAsync(options.Rounds,
            () => two.IngestAsync(files, cancellationToken), () => one.IngestAsync(files, cancellationToken));
        var (twoWait, oneWait) = await Measure.AlternatingAsync(options.Rounds,
            () => two.SmallBehindLargeAsync(largest, smallest, cancellationToken), () => one.SmallBehindLargeAsync(largest, smallest, cancellationToken));
        return
        [
            new BenchmarkResult($"{files.Count} docs, {files.Sum(f => f.Length) / 1024} KB, in one upload", "docs/s", twoRate, "1 ingestion worker", oneRate, null),
            new BenchmarkResult($"{smallest.Length / 1024} KB doc behind {largest.Length / 1024} KB (1 / wait)", "1/s", twoWait, "1 ingestion worker", oneWait, null),
        ];
    }

    /// <summary>A <c>strata serve</c> with a given number of ingestion workers, on a home of its own.</summary>
    private sealed class QueueServer(Process process, HttpClient http, string home) : IAsyncDisposable
    {
        private int collections;

        public static async Task<QueueServer> StartAsync(int workers, CancellationToken cancellationToken)
        {
            var home = Path.Combine(Path.GetTempPath(), "strata-bench-workers-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(home);
            var url = $"http://127.0.0.1:{ServerHealth.FreeLoopbackPort()}";
            var process = StrataServeProcess.Start(home, url, $"Server:IngestionWorkers={workers}", "Server:RateLimit:RequestsPerMinute=0");
            var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
            await ServerHealth.WaitUntilHealthyAsync(http, process, TimeSpan.FromSeconds(60), cancellationToken);
            return new QueueServer(process, http, home);
        }

        /// <summary>Uploads <paramref name="files"/> in one request to a new collection; documents/s until all are ready.</summary>
        public async Task<double> IngestAsync(IReadOnlyList<FileInfo> files, CancellationToken cancellationToken)
        {
            var collection = await CreateAsync(cancellationToken);
            var clock = Stopwatch.StartNew();
            await UploadAsync(collection, files, cancellationToken);
            foreach (var file in files)
            {
                await WaitUntilReadyAsync(collection, file.Name, cancellationToken);
            }

            var rate = files.Count / clock.Elapsed.TotalSeconds;
            await DropAsync(collection, cancellationToken);
            return rate;
        }

        /// <summary>
        /// Uploads <paramref name="large"/>, and once it is being ingested, <paramref name="small"/>: 1 / the seconds the
        /// small one takes to be ready. The collection is dropped after, which stops the large one's work.
        /// </summary>
        public async Task<double> SmallBehindLargeAsync(FileInfo large, FileInfo small, CancellationToken cancellationToken)
        {
            var collection = await CreateAsync(cancellationToken);
            await UploadAsync(collection, [large], cancellationToken);
            while (await StateAsync(collection, large.Name, cancellationToken) is "queued")
            {
                await Task.Delay(20, cancellationToken);
            }

            var clock = Stopwatch.StartNew();
            await UploadAsync(collection, [small], cancellationToken);
            await WaitUntilReadyAsync(collection, small.Name, cancellationToken);
            var waited = clock.Elapsed.TotalSeconds;
            await DropAsync(collection, cancellationToken);
            return 1 / waited;
        }

        private async Task<string> CreateAsync(CancellationToken cancellationToken)
        {
            var name = $"round{++collections}";
            using var response = await http.PostAsJsonAsync("/api/collections", new { name, embeddingModel = "minilm" }, cancellationToken);
            await EnsureAsync(response, cancellationToken);
            return name;
        }

        private async Task UploadAsync(string collection, IReadOnlyList<FileInfo> files, CancellationToken cancellationToken)
        {
            using var form = new MultipartFormDataContent();
            foreach (var file in files)
            {
                form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(file.FullName, cancellationToken)), "file", file.Name);
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/collections/{collection}/documents") { Content = form };
            // The keyless server asks uploads for this header, which no cross-site form can send.
            request.Headers.Add("X-Strata-Request", "1");
            using var response = await http.SendAsync(request, cancellationToken);
            await EnsureAsync(response, cancellationToken);
        }

        private async Task WaitUntilReadyAsync(string collection, string document, CancellationToken cancellationToken)
        {
            while (true)
            {
                switch (await StateAsync(collection, document, cancellationToken))
                {
                    case "ready":
                        return;
                    case "failed":
                        throw new InvalidOperationException($"{document} failed to ingest.");
                    default:
                        await Task.Delay(20, cancellationToken);
                        break;
                }
            }
        }

        private async Task<string?> StateAsync(string collection, string document, CancellationToken cancellationToken)
        {
            using var response = await http.GetAsync(new Uri($"/api/collections/{collection}/documents/{Uri.EscapeDataString(document)}", UriKind.Relative), cancellationToken);
            await EnsureAsync(response, cancellationToken);
            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return body.RootElement.GetProperty("state").GetString();
        }

        private async Task DropAsync(string collection, CancellationToken cancellationToken)
        {
            using var response = await http.DeleteAsync(new Uri($"/api/collections/{collection}", UriKind.Relative), cancellationToken);
            await EnsureAsync(response, cancellationToken);
        }

        private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            http.Dispose();
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
