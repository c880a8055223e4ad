#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI.
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Strata.Core;
using Strata.Core.Options;
using Strata.Models.Catalog;
using Strata.Models.Runners;
using Strata.Models.Store;
using Strata.Server.Images;
using Strata.Synthesis.Sampling;
using Strata.Synthesis.TestSupport;

namespace Strata.Server.Tests.Images;

/// <summary>A server whose store holds a tiny GAN, a tiny DDPM (also as one that samples with 250 ancestral steps), and a GAN whose weights are garbage.</summary>
public sealed class ImageRunnerFixture : IAsyncLifetime
{
    public const string Gan = "tiny-gan";
    public const string Ddpm = "tiny-ddpm";
    public const string Broken = "broken-gan";
    public const string SlowDdpm = "slow-ddpm";

    private RunningServer? server;

    public RunningServer Server => server ?? throw new InvalidOperationException("The server is not started.");

    public StrataPaths Paths { get; } = new(Path.Combine(Path.GetTempPath(), "strata-image-runner-test-" + Guid.NewGuid().ToString("N")));

    /// <summary>An exported GAN (config and weights) outside the store, as <c>strata models import</c> takes it.</summary>
    public string ExportedGan => Path.Combine(Paths.Home, "exported-gan");

    /// <summary>The exported GAN's config beside weights that are not a checkpoint.</summary>
    public string CorruptGan => Path.Combine(Paths.Home, "corrupt-gan");

    public async Task InitializeAsync()
    {
        await TinyGan.TrainAsync(Paths, Gan);
        await TinyDdpm.TrainAsync(Paths, Ddpm);
        var store = new ModelStore(Paths);
        Export(store, Gan, ExportedGan);

        // The same weights with a sampler that walks all 250 ancestral steps: a request long enough to interrupt, short
        // enough to repeat on a busy machine (the U-Net takes the step number, so its weights fit any number of steps).
        var slow = Path.Combine(Paths.Home, "slow-ddpm");
        Export(store, Ddpm, slow);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(slow, TrainedModel.ConfigFile)))!;
        config["diffusion"]!["sampler"] = "ddpm";
        config["diffusion"]!["timesteps"] = 250;
        File.WriteAllText(Path.Combine(slow, TrainedModel.ConfigFile), config.ToJsonString());
        await new ModelImporter(store).ImportAsync(slow, SlowDdpm, ModelFormat.Torch);

        Directory.CreateDirectory(CorruptGan);
        File.Copy(Path.Combine(ExportedGan, TrainedModel.ConfigFile), Path.Combine(CorruptGan, TrainedModel.ConfigFile));
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(Path.Combine(CorruptGan, GanSampler.WeightsFile), garbage);
        // Planted past the import gate, as a model damaged in the store would be.
        await new ModelImporter(store).ImportAsync(CorruptGan, Broken, ModelFormat.Torch);
        server = await RunningServer.StartAsync(paths: Paths);
    }

    private static void Export(ModelStore store, string model, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in store.Get(model).Files)
        {
            File.Copy(store.PathOf(file), Path.Combine(folder, file.Path));
        }
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>
/// Trained image models run in an image runner (Strata.ImageRunner): the same PNG bytes as in process for the same seed,
/// a corrupt checkpoint refused with a clear error while the server stays up, a runner killed mid-generation answered
/// with a 503 naming the model (and the next request served by a new runner), and the import gate trial-loading them.
/// </summary>
[Collection(LibTorchCollection.Name)]
public sealed class ImageRunnerTests(ImageRunnerFixture fixture) : IClassFixture<ImageRunnerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Theory]
    [InlineData(ImageRunnerFixture.Gan, null, null)]
    [InlineData(ImageRunnerFixture.Ddpm, 3, 0.5)]
    public async Task A_runner_makes_the_same_png_bytes_as_the_in_process_generator_for_the_same_seed(string model, int? steps, double? eta)
    {
        var options = new ImageGenerationOptions { Count = 3, AdditionalProperties = new AdditionalPropertiesDictionary { ["seed"] = 11L } };
        if (steps is not null)
        {
            options.AdditionalProperties["steps"] = steps;
            options.AdditionalProperties["eta"] = eta;
        }

        using var runner = fixture.Server.Services.GetRequiredService<ModelCatalog>().CreateImageRunner(model);
        using var inProcess = new TrainedImageGenerator(new ModelStore(fixture.Paths), model);
        var throughRunner = Pngs(await runner.GenerateAsync(new ImageGenerationRequest("x"), options));
        var here = Pngs(await inProcess.GenerateAsync(new ImageGenerationRequest("x"), options));

        Assert.NotNull(runner.RunnerProcessId);
        Assert.NotEqual(Environment.ProcessId, runner.RunnerProcessId);
        Assert.Equal(3, throughRunner.Count);
        Assert.Equal(here, throughRunner);
    }

    [Fact]
    public async Task A_corrupt_checkpoint_is_a_clear_503_naming_the_model_while_the_server_and_other_models_keep_serving()
    {
        var response = await Client.PostAsJsonAsync("/v1/images/generations", new { model = ImageRunnerFixture.Broken, prompt = "x" });

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, text);
        var message = JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains($"Model '{ImageRunnerFixture.Broken}' could not be loaded:", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsJsonAsync("/v1/images/generations", new { model = ImageRunnerFixture.Gan, prompt = "x", seed = 1 })).StatusCode);
    }

    [Fact]
    public async Task A_runner_killed_during_generation_is_a_503_naming_the_model_and_the_next_request_succeeds()
    {
        var generator = fixture.Server.Services.GetRequiredService<ImageGenerators>();
        var runner = generator.Get(generator.Find(ImageRunnerFixture.SlowDdpm)).GetService<RunnerImageGenerator>()!;
        // One DDIM step starts the runner and loads the model, so what follows times only the sampling.
        await runner.GenerateAsync(new ImageGenerationRequest("x"), new ImageGenerationOptions { AdditionalProperties = new() { ["steps"] = 1, ["seed"] = 1L } });
        var pid = runner.RunnerProcessId!.Value;
        var before = CpuTicks(pid);

        // The model's own sampler walks all 250 DDPM steps: the request is still sampling when the runner has used CPU for it.
        var request = Client.PostAsJsonAsync("/v1/images/generations", new { model = ImageRunnerFixture.SlowDdpm, prompt = "x", seed = 3 });
        while (CpuTicks(pid) < before + 20 && !request.IsCompleted)
        {
            await Task.Delay(20);
        }

        Assert.False(request.IsCompleted, "the generation ended before the runner could be killed during it");
        runner.KillRunner();
        var response = await request;

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, text);
        Assert.Contains($"The runner of model '{ImageRunnerFixture.SlowDdpm}' was killed by SIGKILL", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        var next = await Client.PostAsJsonAsync("/v1/images/generations", new { model = ImageRunnerFixture.SlowDdpm, prompt = "x", seed = 3 });
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.NotEqual(pid, runner.RunnerProcessId);
    }

    [Fact]
    public async Task The_import_gate_trial_loads_an_image_model_refusing_a_corrupt_one_and_storing_nothing()
    {
        var store = new ModelStore(fixture.Paths);
        var importer = new ModelImporter(store, new ModelTrialLoader(fixture.Paths));

        var refused = await Assert.ThrowsAsync<ModelStoreException>(() => importer.ImportAsync(fixture.CorruptGan, "corrupt-import", ModelFormat.Torch));
        Assert.StartsWith("'corrupt-import' was not stored:", refused.Message, StringComparison.Ordinal);
        Assert.Null(store.Find("corrupt-import"));

        await importer.ImportAsync(fixture.ExportedGan, "exported-import", ModelFormat.Torch);
        Assert.NotNull(store.Find("exported-import"));
    }

    [Fact]
    public async Task With_runners_off_the_model_is_served_in_process()
    {
        var store = new ModelStore(fixture.Paths);
        await using var catalog = new ModelCatalog(store, new ModelsOptions { Runners = false }, new TelemetryOptions(), []);
        using var images = new ImageGenerators(store, catalog);

        var generator = images.Get(images.Find(ImageRunnerFixture.Gan));

        Assert.IsType<TrainedImageGenerator>(generator);
        Assert.Single(Pngs(await generator.GenerateAsync(new ImageGenerationRequest("x"))));
    }

    private static List<byte[]> Pngs(ImageGenerationResponse response) =>
        response.Contents.OfType<DataContent>().Select(png => png.Data.ToArray()).ToList();

    // User plus system CPU time of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat, after the name).
    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
