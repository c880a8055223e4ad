using System.Diagnostics;
using System.Globalization;
using Strata.Data.Embedded;
using Strata.Data.Filters;
using Strata.Data.Search;
using Strata.Data.Tests.Support;

namespace Strata.Data.Tests.Embedded;

/// <summary>
/// Qdrant-crasher style: a child process upserts batches and is killed with SIGKILL at random moments; after each kill
/// every acknowledged record must be there exactly, batches must be whole, and reads must agree with each other.
/// </summary>
public sealed class CrashTests
{
    private const int BatchSize = 25;
    private const int Iterations = 10;

    [Fact]
    public async Task Every_acknowledged_batch_survives_sigkill_and_no_batch_is_half_written()
    {
        using var directory = new TempDirectory();
        var random = new Random(2024);
        var acked = 0;
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            acked = Math.Max(acked, await RunAndKillAsync(directory.Path, acked, random.Next(0, 400)));
            Verify(directory.Path, acked);
        }

        Assert.True(acked > 0, "the child never acknowledged a batch");
    }

    private static async Task<int> RunAndKillAsync(string dataDirectory, int first, int killAfterMs)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Strata.Data.CrashHost.dll");
        // The dotnet CLI tells test hosts which muxer started them; fall back to the one on PATH.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { host, dataDirectory, "crash", first.ToString(CultureInfo.InvariantCulture), BatchSize.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
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
            process.Kill(); // SIGKILL on Unix: no finalisers, no flushing, no index save.
        }

        await process.WaitForExitAsync();
        await reader;
        var stderr = await errors;
        Assert.True(stderr.Length == 0, stderr);
        return Volatile.Read(ref acked);
    }

    private static void Verify(string dataDirectory, int acked)
    {
        var database = new EmbeddedVectorDatabase(dataDirectory);
        if (!database.Exists("crash"))
        {
            Assert.Equal(0, acked);
            return;
        }

        using var collection = database.Open("crash");
        var count = collection.Count();
        Assert.True(count >= acked, $"{count} records but {acked} acknowledged");
        Assert.Equal(0, count % BatchSize);
        var all = new List<string>();
        string? cursor = null;
        do
        {
            var page = collection.Scroll(null, cursor, 500);
            all.AddRange(page.Records.Select(r => r.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.Equal(count, all.Count);
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Enumerable.Range(0, (int)count).Select(CrashRecords.Id), all);

        var stored = collection.Get(Enumerable.Range(0, acked).Select(CrashRecords.Id)).ToDictionary(r => r.Id);
        for (var n = 0; n < acked; n++)
        {
            var expected = CrashRecords.Record(n);
            var actual = stored[expected.Id];
            Assert.Equal(expected.Vector, actual.Vector);
            Assert.Equal(expected.Document, actual.Document);
            Assert.Equal(expected.Metadata!.ToJsonString(), actual.Metadata!.ToJsonString());
        }

        var even = MetadataFilter.Parse("""{"field":"even","eq":true}""");
        var evenScrolled = 0;
        cursor = null;
        do
        {
            var page = collection.Scroll(even, cursor, 77);
            evenScrolled += page.Records.Count;
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.Equal(collection.Count(even), evenScrolled);
        Assert.Equal((count + 1) / 2, evenScrolled);

        if (count > 0)
        {
            var probe = CrashRecords.Record((int)count - 1);
            Assert.Equal(probe.Id, collection.Search(probe.Vector, new SearchOptions { K = 1 })[0].Id);
        }
    }
}
