using System.Buffers.Binary;
using System.Text.Json;
using System.Text.RegularExpressions;
using Strata.Core;
using Strata.Monitoring.Runs;
using Strata.Server;
using Strata.TestSupport.Runs;

namespace Strata.Cli.Tests;

public sealed partial class RunsCommandTests
{
    private static (string First, string Second) LogTwoRuns(StrataProcess strata)
    {
        var store = new RunStore(new StrataPaths(strata.Home).Runs);
        using var first = store.Start(new RunStartOptions { Project = "gan", Name = "slow", Config = new { lr = 0.0001, epochs = 5 } });
        using var second = store.Start(new RunStartOptions { Project = "gan", Name = "fast", Config = new { lr = 0.001, epochs = 5 } });
        for (var step = 0; step < 50; step++)
        {
            first.Log("loss", 2.0 / (step + 1), step);
            second.Log("loss", 1.0 / (step + 1), step);
        }

        first.Finish();
        second.Finish();
        return (first.Id, second.Id);
    }

    [Fact]
    public async Task List_show_and_compare_print_what_was_logged()
    {
        using var strata = new StrataProcess();
        var (first, second) = LogTwoRuns(strata);

        var list = await strata.RunAsync("runs", "list", "--project", "gan", "--json");
        var show = await strata.RunAsync("runs", "show", first, "--json");
        var compare = await strata.RunAsync("runs", "compare", first, second, "--json");

        Assert.Equal(0, list.ExitCode);
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Select(r => r.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        using var shown = JsonDocument.Parse(show.Stdout);
        Assert.Equal("finished", shown.RootElement.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal(2.0 / 50, shown.RootElement.GetProperty("metrics")[0].GetProperty("last").GetDouble(), 12);
        using var compared = JsonDocument.Parse(compare.Stdout);
        Assert.Equal(["0.0001", "0.001"], compared.RootElement.EnumerateArray().Select(r => r.GetProperty("config").GetProperty("lr").GetString()));
    }

    [Fact]
    public async Task Plot_writes_a_png_of_the_requested_size_and_rm_removes_the_run()
    {
        using var strata = new StrataProcess();
        var (first, _) = LogTwoRuns(strata);
        var output = Path.Combine(strata.Home, "loss.png");

        var plot = await strata.RunAsync("runs", "plot", first, "--metric", "loss", "-o", output, "--width", "320", "--height", "240");
        var removed = await strata.RunAsync("runs", "rm", first);
        var gone = await strata.RunAsync("runs", "show", first);

        Assert.Equal(0, plot.ExitCode);
        var png = File.ReadAllBytes(output);
        // The PNG signature, then the IHDR chunk: width and height as big-endian 32-bit integers at bytes 16 and 20.
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal((320, 240), (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
        Assert.Equal(0, removed.ExitCode);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains($"No run '{first}'", gone.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crashed_run_reads_crashed_with_one_duration_ending_at_its_last_heartbeat_in_the_cli_the_api_and_the_runs_pages()
    {
        using var strata = new StrataProcess();
        var runs = new StrataPaths(strata.Home).Runs;
        var id = await RunWriterProcess.KillWhileRunningAsync(runs);
        var store = new RunStore(runs);
        using (var stale = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            // The child beat every 200 ms; its heartbeat turns stale a few beats after the kill.
            while (store.Get(id).Status != RunStatus.Crashed)
            {
                await Task.Delay(100, stale.Token);
            }
        }

        var record = store.Get(id);
        var expected = RunSummaryView.From(record);
        Assert.Null(record.EndedAt);
        Assert.Equal(record.HeartbeatAt - record.StartedAt, expected.Duration);

        var list = await strata.RunAsync("runs", "list", "--json");
        var show = await strata.RunAsync("runs", "show", id, "--json");
        var (apiList, apiRun, runsPage, runPage) = await ReadThroughServerAsync(strata, id);

        Assert.True(list.ExitCode == 0 && show.ExitCode == 0, list.Stderr + show.Stderr);
        using var cliList = JsonDocument.Parse(list.Stdout);
        using var cliShow = JsonDocument.Parse(show.Stdout);
        using var apiListed = JsonDocument.Parse(apiList);
        using var apiShown = JsonDocument.Parse(apiRun);
        JsonElement[] views =
        [
            Assert.Single(cliList.RootElement.EnumerateArray()), cliShow.RootElement.GetProperty("run"),
            Assert.Single(apiListed.RootElement.EnumerateArray()), apiShown.RootElement.GetProperty("run"),
        ];
        Assert.All(views, view =>
        {
            Assert.Equal(id, view.GetProperty("id").GetString());
            Assert.Equal("crashed", view.GetProperty("status").GetString());
            Assert.Equal(expected.DurationSeconds, view.GetProperty("durationSeconds").GetDouble());
            Assert.Equal(expected.DurationText, view.GetProperty("durationText").GetString());
            Assert.Equal(view.GetProperty("heartbeatAt").GetDateTimeOffset(), view.GetProperty("stoppedAt").GetDateTimeOffset());
        });
        var row = Assert.Single(RunRow().Matches(runsPage), m => m.Groups["id"].Value == id);
        Assert.Equal(("crashed", expected.DurationText), (row.Groups["status"].Value, row.Groups["duration"].Value));
        Assert.Contains("status-crashed\">crashed</span>", runPage, StringComparison.Ordinal);
        Assert.Contains($"<span class=\"duration\">{expected.DurationText}</span>", runPage, StringComparison.Ordinal);
    }

    /// <summary>Starts <c>strata serve</c> on the same STRATA_HOME and reads the run through the API and the web UI.</summary>
    private static async Task<(string ApiList, string ApiRun, string RunsPage, string RunPage)> ReadThroughServerAsync(StrataProcess strata, string id)
    {
        var url = $"http://127.0.0.1:{ServerHealth.FreeLoopbackPort()}";
        using var server = strata.Start("serve", "--urls", url);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            await ServerHealth.WaitUntilHealthyAsync(client, server, TimeSpan.FromSeconds(60));
            return (
                await client.GetStringAsync(new Uri("/api/runs", UriKind.Relative)),
                await client.GetStringAsync(new Uri($"/api/runs/{id}", UriKind.Relative)),
                await client.GetStringAsync(new Uri("/runs", UriKind.Relative)),
                await client.GetStringAsync(new Uri($"/runs/{id}", UriKind.Relative)));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    [GeneratedRegex("""<tr data-run="(?<id>[a-z0-9]+)">.*?<td class="run-status status-\w+">(?<status>\w+)</td>.*?<td class="duration">(?<duration>[0-9.:]+)</td>""", RegexOptions.Singleline)]
    private static partial Regex RunRow();
}
