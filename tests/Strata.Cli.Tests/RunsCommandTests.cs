using System.Buffers.Binary;
using System.Text.Json;
using Strata.Core;
using Strata.Monitoring.Runs;

namespace Strata.Cli.Tests;

public sealed class RunsCommandTests
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
}
