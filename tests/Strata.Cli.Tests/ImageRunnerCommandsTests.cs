using Strata.Core;
using Strata.Models.Store;

namespace Strata.Cli.Tests;

/// <summary>
/// <c>strata sample</c> runs the model in an image runner: the same grid as in process (<c>Models:Runners = false</c>),
/// and a checkpoint libtorch cannot load is one error line and exit code 1; <c>strata models import</c> trial-loads an
/// exported image model and refuses a corrupt one.
/// </summary>
public sealed class ImageRunnerCommandsTests
{
    [Fact]
    public async Task Sample_through_a_runner_writes_the_in_process_grid_and_a_corrupt_checkpoint_is_one_error_line()
    {
        using var strata = new StrataProcess();
        Assert.Equal(0, (await strata.RunAsync("datasets", "import", "/usr/share/datasets/fashion-mnist", "--name", "fm", "--limit", "64")).ExitCode);
        var config = Path.Combine(strata.Home, "tiny.json");
        File.WriteAllText(config, """
            { "name": "tiny", "architecture": "dcgan", "image": { "size": 28, "channels": 1 },
              "model": { "latentSize": 16, "generatorWidths": [32, 16], "discriminatorWidths": [16, 32] },
              "training": { "dataset": "fm", "batchSize": 16, "maxSteps": 2, "sampleEvery": 0, "checkpointEvery": 0 } }
            """);
        var train = await strata.RunAsync("train", config);
        Assert.True(train.ExitCode == 0, train.Stderr);

        var throughRunner = Path.Combine(strata.Home, "runner.png");
        var sample = await strata.RunAsync("sample", "-m", "tiny", "-n", "5", "--seed", "3", "-o", throughRunner);
        Assert.True(sample.ExitCode == 0, sample.Stderr);
        strata.Environment["STRATA__Models__Runners"] = "false";
        var inProcess = Path.Combine(strata.Home, "in-process.png");
        Assert.Equal(0, (await strata.RunAsync("sample", "-m", "tiny", "-n", "5", "--seed", "3", "-o", inProcess)).ExitCode);
        strata.Environment.Remove("STRATA__Models__Runners");
        Assert.Equal(File.ReadAllBytes(inProcess), File.ReadAllBytes(throughRunner));

        var corrupt = CorruptExport(strata.Home);
        // Planted past the import gate, as a model damaged in the store would be.
        await new ModelImporter(new ModelStore(new StrataPaths(strata.Home))).ImportAsync(corrupt, "broken", ModelFormat.Torch);
        var broken = await strata.RunAsync("sample", "-m", "broken", "-o", Path.Combine(strata.Home, "broken.png"));
        Assert.True(broken.ExitCode == 1, $"exit {broken.ExitCode}: {broken.Stderr}");
        var line = Assert.Single(broken.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: Model 'broken' could not be loaded:", line, StringComparison.Ordinal);

        var import = await strata.RunAsync("models", "import", corrupt, "--name", "corrupt", "--format", "torch");
        Assert.True(import.ExitCode == 1, $"exit {import.ExitCode}: {import.Stderr}");
        Assert.StartsWith("error: 'corrupt' was not stored:", Assert.Single(import.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Null(new ModelStore(new StrataPaths(strata.Home)).Find("corrupt"));
    }

    // The stored model's config beside weights that are not a checkpoint.
    private static string CorruptExport(string home)
    {
        var store = new ModelStore(new StrataPaths(home));
        var folder = Path.Combine(home, "corrupt-export");
        Directory.CreateDirectory(folder);
        var config = store.Get("tiny").Files.Single(f => f.Path == "config.json");
        File.Copy(store.PathOf(config), Path.Combine(folder, "config.json"));
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(Path.Combine(folder, "generator.dat"), garbage);
        return folder;
    }
}
