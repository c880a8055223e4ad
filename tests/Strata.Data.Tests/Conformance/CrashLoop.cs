using System.Diagnostics;
using System.Globalization;
using Strata.Data.Collections;
using Strata.Data.Filters;
using Strata.Data.Search;
using Strata.Data.Tests.Support;

namespace Strata.Data.Tests.Conformance;

/// <summary>
/// Qdrant-crasher style, for any backend: a child process (Strata.Data.CrashHost) upserts batches and is killed with
/// SIGKILL at random moments; after each kill every acknowledged record must be there exactly, batches must be whole, and
/// reads must agree with each other.
/// </summary>
internal static class CrashLoop
{
    public const string Collection = "crash";
    private const int BatchSize = 25;

    /// <summary>Runs <paramref name="iterations"/> start–kill–verify rounds; returns the records acknowledged in all.</summary>
    /// <param name="hostArguments">The host's backend arguments (before the collection name).</param>
    /// <param name="environment">Extra environment of the host (secrets stay off its command line).</param>
    /// <param name="open">Opens the backend's database in this process, to verify.</param>
    /// <param name="iterations">Kills to survive.</param>
    /// <param name="seed">Seed of the kill moments.</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> hostArguments, IReadOnlyDictionary<string, string> environment, Func<IVectorDatabase> open, int iterations, int seed)
    {
        var random = new Random(seed);
        var acked = 0;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            acked = Math.Max(acked, await RunAndKillAsync(hostArguments, environment, acked, random.Next(0, 400)));
            var database = open();
            try
            {
                await VerifyAsync(database, acked);
            }
            finally
            {
                (database as IDisposable)?.Dispose();
            }
        }

        Assert.True(acked > 0, "the child never acknowledged a batch");
        return acked;
    }

    private static async Task<int> RunAndKillAsync(IReadOnlyList<string> hostArguments, IReadOnlyDictionary<string, string> environment, int first, int killAfterMs)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Strata.Data.CrashHost.dll");
        // The dotnet CLI tells test hosts which muxer started them; fall back to the one on PATH.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { host }.Concat(hostArguments).Concat([Collection, first.ToString(CultureInfo.InvariantCulture), BatchSize.ToString(CultureInfo.InvariantCulture)]))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var acked = first;
        var firstAck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("acked ", StringComparison.Ordinal))
                {
                    Volatile.Write(ref acked, int.Parse(line[6..], CultureInfo.InvariantCulture));
                    firstAck.TrySetResult();
                }
            }

            firstAck.TrySetResult();
        });
        var errors = process.StandardError.ReadToEndAsync();
        // Process start-up time varies with the machine's load; the kill comes at a random moment after the child
        // has begun writing, so every iteration interrupts real work rather than a process still starting.
        await firstAck.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(killAfterMs);
        if (!process.HasExited)
        {
            process.Kill(); // SIGKILL on Unix: no finalisers, no flushing, no index save, no goodbye to a server.
        }

        await process.WaitForExitAsync();
        await reader;
        var stderr = await errors;
        Assert.True(stderr.Length == 0, stderr);
        return Volatile.Read(ref acked);
    }

    private static async Task VerifyAsync(IVectorDatabase database, int acked)
    {
        if (!await database.ExistsAsync(Collection))
        {
            Assert.Equal(0, acked);
            return;
        }

        using var collection = await database.OpenAsync(Collection);
        var count = await collection.CountAsync();
        Assert.True(count >= acked, $"{count} records but {acked} acknowledged");
        Assert.Equal(0, count % BatchSize);
        var all = await VectorCollectionConformanceTests.ScrollAsync(collection, null, 500);
        Assert.Equal(count, all.Count);
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Enumerable.Range(0, (int)count).Select(CrashRecords.Id), all);

        var stored = (await collection.GetAsync(Enumerable.Range(0, acked).Select(CrashRecords.Id))).ToDictionary(r => r.Id);
        for (var n = 0; n < acked; n++)
        {
            var expected = CrashRecords.Record(n);
            var actual = stored[expected.Id];
            Assert.Equal(expected.Vector, actual.Vector);
            Assert.Equal(expected.Document, actual.Document);
            Assert.Equal(expected.Metadata!.ToJsonString(), actual.Metadata!.ToJsonString());
        }

        var even = MetadataFilter.Parse("""{"field":"even","eq":true}""");
        var evenScrolled = (await VectorCollectionConformanceTests.ScrollAsync(collection, even, 77)).Count;
        Assert.Equal(await collection.CountAsync(even), evenScrolled);
        Assert.Equal((count + 1) / 2, evenScrolled);

        if (count > 0)
        {
            var probe = CrashRecords.Record((int)count - 1);
            Assert.Equal(probe.Id, (await collection.SearchAsync(probe.Vector, new SearchOptions { K = 1 }))[0].Id);
        }
    }
}
