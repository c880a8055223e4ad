using Strata.Models.Store;
using Strata.Monitoring.Runs;
using Strata.Synthesis.Imaging;
using Strata.Synthesis.Sampling;
using Strata.Synthesis.Training;

namespace Strata.Synthesis.Tests.Training;

public sealed class TrainingRunTests
{
    [Fact]
    public async Task A_run_logs_samples_checkpoints_and_registers_the_generator()
    {
        using var fm = new FashionMnist(limit: 256);
        var config = FashionMnist.Small(batch: 16) with { Training = FashionMnist.Small(batch: 16).Training with { SampleEvery = 4, CheckpointEvery = 4, LogEvery = 2 } };
        var outcome = await new TrainingRun(fm.Paths, new Strata.Synthesis.Datasets.DatasetStore(fm.Paths), new Strata.Models.Store.ModelStore(fm.Paths)).RunAsync(config, "fm", "tiny", maxSteps: 8);

        Assert.True(outcome.Completed);
        Assert.Equal(8, outcome.Step);
        var metrics = JsonlTrainingLog.Read(Path.Combine(outcome.RunFolder, "metrics.jsonl"));
        Assert.Equal([2, 4, 6, 8], metrics.Select(m => m["step"].GetInt64()));
        Assert.All(metrics, m => Assert.True(m["images_per_second"].GetDouble() > 0));
        Assert.True(File.Exists(Path.Combine(outcome.RunFolder, "samples", "step-000004.png")));
        Assert.True(File.Exists(Path.Combine(outcome.RunFolder, "samples", "step-000008.png")));
        Assert.True(File.Exists(Path.Combine(outcome.RunFolder, "checkpoint.bin")));

        var store = new ModelStore(fm.Paths);
        var model = store.Get("tiny");
        Assert.Equal(ModelFormat.Torch, model.Format);
        using var sampler = TrainedModel.Load(store, "tiny");
        var a = sampler.Sample(9, seed: 5);
        var b = sampler.Sample(9, seed: 5);
        var c = sampler.Sample(9, seed: 6);
        Assert.Equal(a.Pixels, b.Pixels);
        Assert.NotEqual(a.Pixels, c.Pixels);
        Assert.Equal(ImageGrid.SizeOf(9, 28, 28), (3 * 30 + 2, 3 * 30 + 2));

#pragma warning disable MEAI001 // IImageGenerator is experimental.
        using Microsoft.Extensions.AI.IImageGenerator generator = new TrainedImageGenerator(store, "tiny");
        var options = new Microsoft.Extensions.AI.ImageGenerationOptions { Count = 2, AdditionalProperties = new() { ["seed"] = 5L } };
        var response = await generator.GenerateAsync(new Microsoft.Extensions.AI.ImageGenerationRequest("anything"), options);
#pragma warning restore MEAI001
        var pngs = response.Contents.OfType<Microsoft.Extensions.AI.DataContent>().ToList();
        Assert.Equal(2, pngs.Count);
        Assert.All(pngs, p => Assert.Equal("image/png", p.MediaType));
        using var first = SkiaSharp.SKBitmap.Decode(pngs[0].Data.ToArray());
        // One image at its native size, no grid padding; its pixels are the sampler's first image for seed 5.
        Assert.Equal((28, 28), (first.Width, first.Height));
        Assert.Equal(a.Image(0)[0], first.GetPixel(0, 0).Red);
        Assert.Equal(a.Image(0)[28 * 27 + 27], first.GetPixel(27, 27).Red);
    }

    [Fact]
    public async Task A_cancelled_run_saves_a_checkpoint_and_resumes_to_the_same_result()
    {
        using var fm = new FashionMnist(limit: 128);
        var small = FashionMnist.Small(batch: 16);
        var config = small with { Training = small.Training with { LogEvery = 1 } };
        var run = new TrainingRun(fm.Paths, new Strata.Synthesis.Datasets.DatasetStore(fm.Paths), new Strata.Models.Store.ModelStore(fm.Paths));
        var straight = await run.RunAsync(config, "fm", "straight", maxSteps: 6);

        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Step == 3)
            {
                cancel.Cancel();
            }
        });
        var stopped = await run.RunAsync(config, "fm", "interrupted", maxSteps: 6, progress: progress, cancellationToken: cancel.Token);
        Assert.False(stopped.Completed);
        Assert.Equal(3, stopped.Step);
        var resumed = await run.RunAsync(config, "fm", "interrupted", maxSteps: 6, resume: true);
        Assert.True(resumed.Completed);

        static string[] Losses(string folder) => [.. JsonlTrainingLog.Read(Path.Combine(folder, "metrics.jsonl")).Select(m => $"{m["step"]} {m["loss_d"]} {m["loss_g"]}")];
        Assert.Equal(Losses(straight.RunFolder), Losses(resumed.RunFolder));
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.RunAsync(config, "fm", "straight", maxSteps: 6));
    }

    [Fact]
    public async Task A_tracked_run_resumed_from_a_checkpoint_before_a_crash_keeps_one_point_per_step()
    {
        using var fm = new FashionMnist(limit: 128);
        var small = FashionMnist.Small(batch: 16);
        var config = small with { Training = small.Training with { LogEvery = 1 } };
        var runs = new RunStore(fm.Paths.Runs);
        var run = new TrainingRun(fm.Paths, new Strata.Synthesis.Datasets.DatasetStore(fm.Paths), new Strata.Models.Store.ModelStore(fm.Paths));
        IRun? tracked = null;
        ITrainingLog Tracked(ITrainingLog files, long? resumeStep)
        {
            tracked = TrackedTrainingLog.StartOrResume(runs, run.FolderOf("crashed"), "crashed", new { }, resumeStep);
            return new TrackedTrainingLog(files, tracked);
        }

        await run.RunAsync(config, "fm", "crashed", maxSteps: 2, log: Tracked);
        // What a process killed after its checkpoint at step 2 leaves behind: points for steps it never saved.
        tracked!.Log("loss_d", 999, 3);
        tracked.Log("loss_d", 999, 4);
        tracked.Finish(RunStatus.Failed);
        tracked.Dispose();

        await run.RunAsync(config, "fm", "crashed", maxSteps: 4, resume: true, log: Tracked);
        tracked!.Finish();
        tracked.Dispose();

        var points = runs.Metrics(tracked.Id, "loss_d");
        Assert.Equal([1L, 2L, 3L, 4L], points.Select(p => p.Step));
        Assert.DoesNotContain(points, p => p.Value == 999);
    }

    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
