using System.Text.Json;
using Strata.Monitoring.Runs;

namespace Strata.Monitoring.Tests.Runs;

public sealed class RunStoreTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private RunStore NewStore() => new(_folder.Combine("runs"));

    [Fact]
    public void A_started_run_records_its_project_config_tags_and_machine()
    {
        var store = NewStore();
        using var run = store.Start(new RunStartOptions
        {
            Project = "gan", Name = "first", Config = new { LearningRate = 0.0002, Epochs = 5 }, Tags = ["baseline", "cpu"],
        });

        var record = store.Get(run.Id);
        Assert.Equal(("gan", "first", RunStatus.Running), (record.Project, record.Name, record.Status));
        Assert.Equal(["baseline", "cpu"], record.Tags);
        using var config = JsonDocument.Parse(record.Config);
        Assert.Equal(0.0002, config.RootElement.GetProperty("learningRate").GetDouble());
        using var system = JsonDocument.Parse(record.System);
        Assert.Equal(Environment.ProcessorCount, system.RootElement.GetProperty("cores").GetInt32());
        Assert.Equal(Environment.ProcessId, record.ProcessId);
    }

    [Fact]
    public void Summaries_give_the_last_value_by_step_and_the_extremes()
    {
        var store = NewStore();
        using var run = store.Start(new RunStartOptions { Project = "p" });
        run.Log("loss", 3.0, 0);
        run.Log("loss", 0.5, 2);
        run.Log("loss", 1.5, 1);
        run.Log("accuracy", 0.9, 2);
        run.Finish();

        var summaries = store.Summaries(run.Id).ToDictionary(s => s.Name);
        Assert.Equal(new MetricSummary("loss", 3, 2, 0.5, 0.5, 3.0), summaries["loss"]);
        Assert.Equal(0.9, summaries["accuracy"].Last);
        Assert.Equal([0L, 1, 2], store.Metrics(run.Id, "loss").Select(p => p.Step));
    }

    [Fact]
    public void A_diverged_value_reads_back_as_NaN()
    {
        var store = NewStore();
        using var run = store.Start(new RunStartOptions { Project = "p" });
        run.Log("loss", double.NaN, 0);
        run.Log("loss", double.PositiveInfinity, 1);
        run.Flush();

        Assert.Equal([double.NaN, double.PositiveInfinity], store.Metrics(run.Id, "loss").Select(p => p.Value));
    }

    [Fact]
    public void Metrics_are_written_when_the_batch_fills_without_an_explicit_flush()
    {
        var store = new RunStore(_folder.Combine("runs"), new RunStoreOptions { MetricBatchSize = 10, HeartbeatInterval = TimeSpan.FromHours(1) });
        using var run = store.Start(new RunStartOptions { Project = "p" });
        for (var step = 0; step < 25; step++)
        {
            run.Log("loss", step, step);
        }

        Assert.Equal(20, store.Metrics(run.Id, "loss").Count);
        run.Finish();
        Assert.Equal(25, store.Metrics(run.Id, "loss").Count);
    }

    [Fact]
    public void Finishing_sets_the_status_and_end_and_disposing_an_unfinished_run_marks_it_failed()
    {
        var store = NewStore();
        var finished = store.Start(new RunStartOptions { Project = "p" });
        finished.Finish();
        finished.Dispose();
        var abandoned = store.Start(new RunStartOptions { Project = "p" });
        abandoned.Dispose();

        Assert.Equal(RunStatus.Finished, store.Get(finished.Id).Status);
        Assert.NotNull(store.Get(finished.Id).EndedAt);
        Assert.Equal(RunStatus.Failed, store.Get(abandoned.Id).Status);
        Assert.Throws<InvalidOperationException>(() => finished.Log("loss", 1, 1));
    }

    [Fact]
    public void A_resumed_run_is_running_again_and_its_series_continue()
    {
        var store = NewStore();
        string id;
        using (var run = store.Start(new RunStartOptions { Project = "p" }))
        {
            id = run.Id;
            run.Log("loss", 2, 0);
            run.Finish(RunStatus.Failed);
        }

        using (var resumed = store.Resume(id))
        {
            Assert.Equal(RunStatus.Running, store.Get(id).Status);
            Assert.Null(store.Get(id).EndedAt);
            resumed.Log("loss", 1, 1);
            resumed.Finish();
        }

        Assert.Equal(RunStatus.Finished, store.Get(id).Status);
        Assert.Equal([2.0, 1.0], store.Metrics(id, "loss").Select(p => p.Value));
        Assert.Throws<RunNotFoundException>(() => store.Resume("nosuchrun"));
    }

    [Fact]
    public void Resuming_from_an_earlier_step_drops_the_points_logged_after_it()
    {
        var store = NewStore();
        string id;
        using (var run = store.Start(new RunStartOptions { Project = "p" }))
        {
            id = run.Id;
            foreach (var step in new long[] { 10, 20, 30, 40 })
            {
                run.Log(new Dictionary<string, double> { ["loss"] = step, ["lr"] = 1 }, step);
            }

            run.Finish(RunStatus.Failed);
        }

        // A checkpoint from step 20 is all that survived a crash at 40: steps 30 and 40 are trained again.
        using (var resumed = store.Resume(id, rewindToStep: 20))
        {
            resumed.Log("loss", 31, 30);
            resumed.Finish();
        }

        Assert.Equal([(10L, 10.0), (20L, 20.0), (30L, 31.0)], store.Metrics(id, "loss").Select(p => (p.Step, p.Value)));
        Assert.Equal([10L, 20L], store.Metrics(id, "lr").Select(p => p.Step));
    }

    [Fact]
    public void A_run_that_is_still_live_cannot_be_resumed_by_a_second_writer()
    {
        var store = NewStore();
        using var run = store.Start(new RunStartOptions { Project = "p" });

        var error = Assert.Throws<InvalidOperationException>(() => store.Resume(run.Id));
        Assert.Contains("still running", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Artifacts_are_stored_once_per_content_and_replaced_by_name()
    {
        var store = NewStore();
        using var run = store.Start(new RunStartOptions { Project = "p" });
        var source = _folder.Combine("samples.png");
        File.WriteAllBytes(source, [1, 2, 3, 4]);

        var first = run.LogArtifact(source, kind: "image");
        var copy = run.LogArtifact(source, "samples-copy.png", "image");
        using (var changed = new MemoryStream([9, 9]))
        {
            run.LogArtifact(changed, "samples.png", "image");
        }

        Assert.Equal(first.Digest, copy.Digest);
        Assert.Equal([1, 2, 3, 4], File.ReadAllBytes(first.Path));
        var artifacts = store.Artifacts(run.Id).ToDictionary(a => a.Name);
        Assert.Equal(2, artifacts.Count);
        Assert.Equal([9, 9], File.ReadAllBytes(artifacts["samples.png"].Path));
        Assert.Equal(2, artifacts["samples.png"].Size);
        Assert.Equal(2, Directory.GetFiles(Path.GetDirectoryName(first.Path)!).Length);
    }

    [Fact]
    public void Listing_filters_by_project_and_removing_deletes_the_run_its_metrics_and_blobs()
    {
        var store = NewStore();
        using var keep = store.Start(new RunStartOptions { Project = "a" });
        using var drop = store.Start(new RunStartOptions { Project = "b" });
        drop.Log("loss", 1, 0);
        using (var blob = new MemoryStream([1]))
        {
            drop.LogArtifact(blob, "x.bin");
        }

        drop.Finish();
        Assert.Equal([keep.Id], store.List("a").Select(r => r.Id));

        Assert.True(store.Remove(drop.Id));
        Assert.False(store.Remove(drop.Id));
        Assert.Equal([keep.Id], store.List().Select(r => r.Id));
        Assert.Empty(store.Metrics(drop.Id, "loss"));
        Assert.False(Directory.Exists(_folder.Combine("runs", drop.Id)));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("ABC")]
    [InlineData("")]
    public void Ids_that_are_not_run_ids_never_reach_the_file_system(string id)
    {
        var store = NewStore();
        Assert.Throws<RunNotFoundException>(() => store.Get(id));
        Assert.ThrowsAny<ArgumentException>(() => store.Remove(id));
    }
}
