using Strata.Models.Configuration;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Training;

namespace Strata.EndToEnd.Tests;

/// <summary>A <c>strata serve</c> whose store also holds <c>tiny-gan</c>: a DCGAN trained for two steps on 64 Fashion-MNIST images.</summary>
public sealed class ImageServeProcess : StrataServeProcess
{
    public const string Model = "tiny-gan";

    /// <summary>Where the Debian package dataset-fashion-mnist puts the files (scripts/install-test-deps.sh installs it).</summary>
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    protected override async Task PrepareHomeAsync(StrataPaths paths)
    {
        new DatasetImporter(new DatasetStore(paths)).Import(FashionMnist, new DatasetImportOptions("fm", Limit: 64));
        var shipped = SynthesisConfig.Load(ConfigPath("dcgan-fashion-mnist.json"));
        var config = shipped with
        {
            Model = shipped.Gan with { GeneratorWidths = [32, 16], DiscriminatorWidths = [16, 32] },
            Training = shipped.Training with { BatchSize = 16, SampleEvery = 0, CheckpointEvery = 0, LogEvery = 1 },
        };
        var outcome = await new TrainingRun(paths).RunAsync(config, "fm", Model, maxSteps: 2);
        Assert.True(outcome.Completed);
    }

    private static string ConfigPath(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "configs", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"configs/{file} not found above the test folder.");
    }
}

/// <summary>A <c>strata serve</c> that requires an API key.</summary>
public sealed class KeyedServeProcess : StrataServeProcess
{
    public const string Key = "sk-e2e-browser-key-42";

    protected override IEnumerable<string> ExtraArguments => ["--api-key", Key];
}
