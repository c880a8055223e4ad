using System.Text.Json;

namespace Strata.Cli.Tests;

public sealed class SynthesisCommandsTests
{
    [Fact]
    public async Task Import_train_sample_and_doctor_work_end_to_end()
    {
        using var strata = new StrataProcess();
        var import = await strata.RunAsync("datasets", "import", "/usr/share/datasets/fashion-mnist", "--name", "fm", "--limit", "256");
        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.Contains("256 train", import.Stdout, StringComparison.Ordinal);

        var list = await strata.RunAsync("datasets", "list", "--json");
        using (var datasets = JsonDocument.Parse(list.Stdout))
        {
            Assert.Equal("fm", datasets.RootElement[0].GetProperty("name").GetString());
        }

        var config = Path.Combine(strata.Home, "tiny.json");
        File.WriteAllText(config, """
            { "name": "tiny", "architecture": "dcgan", "image": { "size": 28, "channels": 1 },
              "model": { "latentSize": 16, "generatorWidths": [32, 16], "discriminatorWidths": [16, 32] },
              "training": { "dataset": "fm", "batchSize": 16, "maxSteps": 3, "sampleEvery": 0, "checkpointEvery": 0 } }
            """);
        var train = await strata.RunAsync("train", config);
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("registered as 'tiny'", train.Stdout, StringComparison.Ordinal);
        Assert.Contains("step 3/3", train.Stderr, StringComparison.Ordinal);
        Assert.Contains("Tracked as run", train.Stdout, StringComparison.Ordinal);
        using (var runs = JsonDocument.Parse((await strata.RunAsync("runs", "list", "--project", "synthesis", "--json")).Stdout))
        {
            var tracked = Assert.Single(runs.RootElement.EnumerateArray());
            Assert.Equal("tiny", tracked.GetProperty("name").GetString());
            Assert.Equal("finished", tracked.GetProperty("status").GetString());
        }

        var png = Path.Combine(strata.Home, "out.png");
        var sample = await strata.RunAsync("sample", "-m", "tiny", "-n", "4", "-o", png);
        Assert.True(sample.ExitCode == 0, sample.Stderr);
        Assert.Contains("62×62", sample.Stdout, StringComparison.Ordinal); // 2×2 cells of 28 px, 2 px padding
        Assert.Equal((byte)0x89, File.ReadAllBytes(png)[0]);

        var again = await strata.RunAsync("train", config);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--resume tiny", again.Stderr, StringComparison.Ordinal);

        var doctor = await strata.RunAsync("doctor", "--json");
        using var report = JsonDocument.Parse(doctor.Stdout);
        var torch = report.RootElement.GetProperty("runtimes").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "TorchSharp");
        Assert.True(torch.GetProperty("available").GetBoolean(), torch.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_tiny_ddpm_trains_samples_with_ddim_and_its_scores_are_logged_to_its_run()
    {
        using var strata = new StrataProcess();
        var import = await strata.RunAsync("datasets", "import", "/usr/share/datasets/fashion-mnist", "--name", "fm", "--limit", "256");
        Assert.True(import.ExitCode == 0, import.Stderr);
        var config = Path.Combine(strata.Home, "tiny-ddpm.json");
        File.WriteAllText(config, """
            { "name": "tiny-ddpm", "architecture": "ddpm", "image": { "size": 28, "channels": 1 },
              "diffusion": { "baseChannels": 8, "channelMultipliers": [1, 2], "attentionResolutions": [14], "normGroups": 4,
                             "timesteps": 20, "schedule": "linear", "samplingSteps": 3 },
              "training": { "dataset": "fm", "batchSize": 16, "maxSteps": 3, "sampleEvery": 0, "checkpointEvery": 0 } }
            """);
        var train = await strata.RunAsync("train", config);
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("registered as 'tiny-ddpm'", train.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"step 3/3 +loss \d", train.Stderr);

        var prefix = Path.Combine(strata.Home, "img");
        var sample = await strata.RunAsync("sample", "-m", "tiny-ddpm", "-n", "3", "--steps", "2", "--separate", "-o", prefix + ".png");
        Assert.True(sample.ExitCode == 0, sample.Stderr);
        Assert.Equal(3, Directory.GetFiles(strata.Home, "img*.png").Length);
        var tooMany = await strata.RunAsync("sample", "-m", "tiny-ddpm", "--steps", "21", "-o", prefix + ".png");
        Assert.Equal(1, tooMany.ExitCode);
        Assert.Contains("1..20", tooMany.Stderr, StringComparison.Ordinal);

        var eval = await strata.RunAsync("eval", "fid", "-m", "tiny-ddpm", "--dataset", "fm", "--samples", "8", "--steps", "2",
            "--kid", "--domain", "--classifier-epochs", "1", "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        using var report = JsonDocument.Parse(eval.Stdout);
        var scores = report.RootElement.GetProperty("scores").EnumerateArray().ToList();
        Assert.Equal(["FID-ResNet18", "FID-fm-classifier"], scores.Select(s => s.GetProperty("metric").GetString()));
        Assert.All(scores, s => Assert.True(s.GetProperty("kid").ValueKind == JsonValueKind.Number));
        Assert.InRange(report.RootElement.GetProperty("classifierTestAccuracy").GetDouble(), 0, 1);
        var runId = report.RootElement.GetProperty("trainingRun").GetString();
        Assert.Contains("eval/fid-resnet18", report.RootElement.GetProperty("loggedMetrics").EnumerateArray().Select(m => m.GetString()));
        var show = await strata.RunAsync("runs", "show", runId!, "--json");
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains("eval/fid-fm-classifier", show.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_during_training_saves_a_checkpoint_that_resumes()
    {
        using var strata = new StrataProcess();
        var import = await strata.RunAsync("datasets", "import", "/usr/share/datasets/fashion-mnist", "--name", "fm", "--limit", "256");
        Assert.True(import.ExitCode == 0, import.Stderr);
        var config = Path.Combine(strata.Home, "endless.json");
        File.WriteAllText(config, """
            { "name": "endless", "architecture": "ddpm", "image": { "size": 28, "channels": 1 },
              "diffusion": { "baseChannels": 8, "channelMultipliers": [1, 2], "attentionResolutions": [], "normGroups": 4,
                             "timesteps": 20, "samplingSteps": 2 },
              "training": { "dataset": "fm", "batchSize": 16, "maxSteps": 1000000, "sampleEvery": 0, "checkpointEvery": 0, "logEvery": 1 } }
            """);
        using var training = strata.Start("train", config);
        var stdout = training.StandardOutput.ReadToEndAsync();
        // Stop once training is under way (Console.IsErrorRedirected: one progress line per step).
        while (await training.StandardError.ReadLineAsync() is { } line && !line.StartsWith("step 2/", StringComparison.Ordinal))
        {
        }

        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", training.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        _ = training.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await training.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        Assert.Equal(130, training.ExitCode);
        var stopped = System.Text.RegularExpressions.Regex.Match(output, @"Stopped at step (\d+); checkpoint saved");
        Assert.True(stopped.Success, output);
        Assert.True(File.Exists(Path.Combine(strata.Home, "runs", "endless", "checkpoint.bin")));

        var next = (long.Parse(stopped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var resumed = await strata.RunAsync("train", "--resume", "endless", "--max-steps", next);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("registered as 'endless'", resumed.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_idx_import_fails_with_one_clear_line()
    {
        using var strata = new StrataProcess();
        var folder = Directory.CreateDirectory(Path.Combine(strata.Home, "idx")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), [0, 0, 8, 3, 0, 0, 0, 9, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]);
        var result = await strata.RunAsync("datasets", "import", folder, "--name", "broken");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: 'train-images-idx3-ubyte' is truncated", result.Stderr, StringComparison.Ordinal);
    }
}
