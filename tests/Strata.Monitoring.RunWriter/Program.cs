using System.Globalization;
using Strata.Monitoring.Runs;

// Usage: RunWriter RUNS_FOLDER finish POINTS   — logs POINTS steps of "loss" and "accuracy", an artifact, then finishes.
//        RunWriter RUNS_FOLDER exit POINTS     — logs POINTS steps of "loss" and returns without finishing or flushing.
//        RunWriter RUNS_FOLDER forever         — logs until killed, flushing every step so the parent sees progress.
// Prints the run id on the first line, then "flushed" once points are on disk.
var folder = args[0];
var mode = args[1];
var store = new RunStore(folder, new RunStoreOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(200) });
var run = store.Start(new RunStartOptions
{
    Project = "child",
    Name = $"child-{mode}",
    Config = new Dictionary<string, object> { ["lr"] = 0.001, ["batch"] = 64, ["mode"] = mode },
    Tags = ["test", mode],
});
Console.WriteLine(run.Id);
if (mode == "finish")
{
    var points = int.Parse(args[2], CultureInfo.InvariantCulture);
    for (var step = 0; step < points; step++)
    {
        run.Log(new Dictionary<string, double> { ["loss"] = 1.0 / (step + 1), ["accuracy"] = step / (double)points }, step);
    }

    using (var report = new MemoryStream("written by the child"u8.ToArray()))
    {
        run.LogArtifact(report, "report.txt", "report");
    }

    run.Finish();
    Console.WriteLine("flushed");
    return;
}

if (mode == "exit")
{
    for (var step = 0; step < int.Parse(args[2], CultureInfo.InvariantCulture); step++)
    {
        run.Log("loss", step, step);
    }

    return;
}

for (long step = 0; ; step++)
{
    run.Log("loss", 1.0 / (step + 1), step);
    run.Flush();
    if (step == 10)
    {
        Console.WriteLine("flushed");
    }

    Thread.Sleep(5);
}
