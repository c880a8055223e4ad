using Strata.Monitoring.Runs;
using Strata.TestSupport.Runs;

namespace Strata.Monitoring.Tests.Runs;

public sealed class CrossProcessRunTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_run_written_by_another_process_is_read_whole_here()
    {
        var runs = _folder.Combine("runs");
        using var child = RunWriterProcess.Start(runs, "finish", "1000");
        var lines = await RunWriterProcess.ReadUntilAsync(child, "flushed");
        await child.WaitForExitAsync();
        Assert.Equal(0, child.ExitCode);

        var store = new RunStore(runs);
        var run = store.Get(lines[0]);
        Assert.Equal(("child", RunStatus.Finished, child.Id), (run.Project, run.Status, run.ProcessId));
        Assert.Equal(1000, store.Metrics(run.Id, "loss").Count);
        var summaries = store.Summaries(run.Id).ToDictionary(s => s.Name);
        Assert.Equal(1.0 / 1000, summaries["loss"].Last, 12);
        Assert.Equal(1.0, summaries["loss"].Max);
        var report = Assert.Single(store.Artifacts(run.Id));
        Assert.Equal("written by the child", File.ReadAllText(report.Path));
    }

    [Fact]
    public async Task A_program_that_returns_without_finishing_leaves_a_failed_run_with_every_point()
    {
        var runs = _folder.Combine("runs");
        using var child = RunWriterProcess.Start(runs, "exit", "777");
        var id = (await child.StandardOutput.ReadLineAsync())!;
        await child.WaitForExitAsync();
        Assert.Equal(0, child.ExitCode);

        var store = new RunStore(runs);
        Assert.Equal(RunStatus.Failed, store.Get(id).Status);
        Assert.Equal(777, store.Metrics(id, "loss").Count);
    }

    [Fact]
    public async Task A_run_whose_process_is_killed_shows_as_crashed_with_what_it_had_written()
    {
        var runs = _folder.Combine("runs");
        using var child = RunWriterProcess.Start(runs, "forever");
        var lines = await RunWriterProcess.ReadUntilAsync(child, "flushed");
        var store = new RunStore(runs);
        Assert.Equal(RunStatus.Running, store.Get(lines[0]).Status);

        // Kill sends SIGKILL on Unix: no finaliser, no exit handler, exactly like an out-of-memory kill.
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();

        // The child beats every 200 ms; its heartbeat turns stale a few beats after death. Poll instead of sleeping a guess.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var status = store.Get(lines[0]).Status;
        while (status == RunStatus.Running)
        {
            await Task.Delay(100, timeout.Token);
            status = store.Get(lines[0]).Status;
        }

        Assert.Equal(RunStatus.Crashed, status);
        Assert.True(store.Metrics(lines[0], "loss").Count >= 11);
        Assert.Null(store.Get(lines[0]).EndedAt);
    }
}
