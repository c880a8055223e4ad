using System.Diagnostics;
using Microsoft.Extensions.AI;
using Strata.Core;
using Strata.Core.Options;
using Strata.Models.Catalog;
using Strata.Models.Llama;
using Strata.Models.Runners;
using Strata.Models.Store;
using Strata.Models.TestSupport;
using Strata.Models.Tests.Llama;

namespace Strata.Models.Tests.Runners;

/// <summary>
/// Chat on a stored model through the catalog, which runs it in a real runner process: the same answers as in
/// process, and a runner that dies fails only its own requests, with a message naming the model and the runner's
/// last native words, after which the next request starts a new runner.
/// </summary>
public sealed class RunnerChatTests : IDisposable
{
    private readonly TemporaryFolder folder = new();
    private readonly ModelStore store;

    public RunnerChatTests()
    {
        store = new ModelStore(new StrataPaths(folder.Combine("home")));
    }

    [Fact]
    public async Task A_runner_answers_exactly_as_the_in_process_client_does()
    {
        var path = await ImportTinyAsync("tiny");
        using var inProcess = LlamaChatClient.FromFile(path, TinyModelFixture.Options with { JsonLimits = new JsonGrammarLimits() });
        await using var catalog = Catalog();
        var client = await catalog.GetChatClientAsync("tiny");

        var expected = await inProcess.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(12));
        var actual = await client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(12));

        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(12, actual.Usage!.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, actual.FinishReason);
        Assert.NotNull(client.GetService<RunnerChatClient>()!.RunnerProcessId);
        Assert.NotEqual(Environment.ProcessId, client.GetService<RunnerChatClient>()!.RunnerProcessId);
    }

    [Fact]
    public async Task A_runner_streams_the_same_updates_as_in_process_text_deltas_usage_and_log_probabilities_alike()
    {
        await ImportTinyAsync("tiny");
        await using var runners = Catalog();
        await using var inProcess = Catalog(runners: false);
        var options = TinyModelFixture.Greedy(24);
        var scored = TinyModelFixture.Greedy(6);
        scored.AdditionalProperties = new() { [LlamaChatOptionKeys.TopLogProbabilities] = 2 };

        foreach (var request in new[] { options, scored })
        {
            var expected = await UpdatesAsync(await inProcess.GetChatClientAsync("tiny"), request);
            var actual = await UpdatesAsync(await runners.GetChatClientAsync("tiny"), request);

            Assert.Equal(expected, actual);
            Assert.True(expected.Count > 2, "the stream should hold several text deltas");
        }
    }

    [Fact]
    public async Task A_runner_counts_tokens_and_reports_the_context_as_the_in_process_client_does()
    {
        // What strata chat --session trims its history with, for a model in a runner as in process.
        var path = await ImportTinyAsync("tiny");
        using var inProcess = LlamaChatClient.FromFile(path, TinyModelFixture.Options);
        await using var catalog = Catalog();
        var counter = (await catalog.GetChatClientAsync("tiny")).GetService<IChatTokenCounter>();
        var text = "hello world, the tiny model counts this text with its own tokenizer";

        Assert.IsType<RunnerChatClient>(counter);
        Assert.Equal(await inProcess.CountTokensAsync(text), await counter.CountTokensAsync(text));
        Assert.Equal(await inProcess.CountPromptTokensAsync(TinyModelFixture.Hello()), await counter.CountPromptTokensAsync(TinyModelFixture.Hello()));
        Assert.Equal(await inProcess.GetContextSizeAsync(), await counter.GetContextSizeAsync());
    }

    // Each update as JSON, with the response id and time (new for every request) made equal.
    private static async Task<List<string>> UpdatesAsync(IChatClient client, ChatOptions options)
    {
        var updates = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync(TinyModelFixture.Hello(), options.Clone()))
        {
            Assert.NotNull(update.ResponseId);
            update.ResponseId = update.MessageId = "id";
            update.CreatedAt = null;
            updates.Add(System.Text.Json.JsonSerializer.Serialize(update, AIJsonUtilities.DefaultOptions));
        }

        return updates;
    }

    [Fact]
    public async Task A_runner_killed_mid_stream_ends_the_stream_with_a_clear_error_and_the_next_request_succeeds()
    {
        // A model slow enough to interrupt: the runner writes its updates unasked, so the tiny default could finish first.
        await ImportTinyAsync("tiny", TinyLlamaOptions.Interruptible);
        await using var catalog = Catalog();
        var client = await catalog.GetChatClientAsync("tiny");
        var runner = client.GetService<RunnerChatClient>()!;

        var received = 0;
        var error = await Assert.ThrowsAsync<ModelRunnerException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(450)))
            {
                // At the first update: the runner decodes ahead of its reader, so a later kill could find the answer finished.
                if (++received == 1)
                {
                    runner.KillRunner();
                }
            }
        });

        Assert.Contains("The runner of model 'tiny' was killed by SIGKILL (exit code 137)", error.Message, StringComparison.Ordinal);
        Assert.Contains("the next request starts a new runner", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(folder.Path, error.Message, StringComparison.Ordinal);
        var next = await client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(4));
        Assert.Equal(4, next.Usage!.OutputTokenCount);
        Assert.Null(catalog.List().Single(entry => entry.Name == "tiny").Failing);
    }

    [Fact]
    public async Task A_request_that_aborts_llama_cpp_fails_with_its_native_message_and_three_crashes_mark_the_model_failing()
    {
        // Planted straight into the store, past the import gate: a vocabulary without byte tokens loads, but text it
        // has no piece for makes llama.cpp throw std::out_of_range, which aborts the runner.
        var file = TinyLlamaGguf.Build(new TinyLlamaOptions());
        TinyLlamaGguf.WithoutByteTokens(file);
        var path = folder.Combine("no-bytes.gguf");
        file.Write(path);
        await new ModelImporter(store).ImportAsync(path, "planted");
        await using var catalog = Catalog();
        var client = await catalog.GetChatClientAsync("planted");
        List<ChatMessage> hostile = [new(ChatRole.User, "é")];

        for (var crash = 1; crash <= ModelRunnerHealth.CrashLimit; crash++)
        {
            var error = await Assert.ThrowsAsync<ModelRunnerException>(() => client.GetResponseAsync(hostile, TinyModelFixture.Greedy(4)));
            Assert.Contains("The runner of model 'planted' was killed by SIGABRT (a native abort or assertion) (exit code 134)", error.Message, StringComparison.Ordinal);
            Assert.Contains("out_of_range", error.Message, StringComparison.Ordinal);
        }

        Assert.Contains("crashed 3 times within 5 minutes", catalog.List().Single(entry => entry.Name == "planted").Failing, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<ModelRunnerException>(() => client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(4)));
        Assert.Contains("Model 'planted' is marked failing", refused.Message, StringComparison.Ordinal);
        Assert.Contains("out_of_range", await File.ReadAllTextAsync(Path.Combine(store.Paths.Logs, "runners", "planted.log")), StringComparison.Ordinal);

        // A reimport is a new model: it runs again.
        await new ModelImporter(store).ImportAsync(WriteTiny(), "planted", replace: true);
        Assert.Null(catalog.List().Single(entry => entry.Name == "planted").Failing);
    }

    [Fact]
    public async Task A_stored_model_llama_cpp_refuses_fails_with_its_reason_and_no_path_of_the_store()
    {
        var file = TinyLlamaGguf.Build(new TinyLlamaOptions()).Set("general.architecture", Strata.Models.Formats.Gguf.GgufValue.String("llama-from-the-future"));
        var path = folder.Combine("future.gguf");
        file.Write(path);
        await new ModelImporter(store).ImportAsync(path, "future");
        await using var catalog = Catalog();
        var client = await catalog.GetChatClientAsync("future");

        var error = await Assert.ThrowsAsync<ModelRunnerException>(() => client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(2)));

        Assert.StartsWith("Model 'future' could not be loaded:", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown model architecture", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(store.Paths.Home, error.Message, StringComparison.Ordinal);
        Assert.Null(catalog.List().Single(entry => entry.Name == "future").Failing);
    }

    [Fact]
    public async Task Errors_raised_in_the_runner_come_back_as_their_own_types()
    {
        await ImportTinyAsync("tiny");
        await using var catalog = Catalog();
        var client = await catalog.GetChatClientAsync("tiny");
        List<ChatMessage> tooLong = [new(ChatRole.User, string.Join(' ', Enumerable.Repeat("hello world", 400)))];
        var impossible = new ChatOptions
        {
            MaxOutputTokens = 8,
            ResponseFormat = ChatResponseFormat.ForJsonSchema(System.Text.Json.JsonDocument.Parse("""{"type":"string","minLength":5,"maxLength":2}""").RootElement),
        };

        await Assert.ThrowsAsync<ContextWindowExceededException>(() => client.GetResponseAsync(tooLong, TinyModelFixture.Greedy(4)));
        var grammar = await Assert.ThrowsAsync<LlamaGrammarException>(() => client.GetResponseAsync(TinyModelFixture.Hello(), impossible));
        Assert.Contains("minLength", grammar.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_idle_runner_ends_its_process()
    {
        await ImportTinyAsync("tiny");
        await using var catalog = Catalog(idleSeconds: 1);
        var client = await catalog.GetChatClientAsync("tiny");
        await client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(2));
        var pid = client.GetService<RunnerChatClient>()!.RunnerProcessId!.Value;
        using var process = Process.GetProcessById(pid);

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Null(client.GetService<RunnerChatClient>()!.RunnerProcessId);
        var again = await client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(2));
        Assert.Equal(2, again.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task A_runner_reads_the_weights_into_its_memory_where_the_kernel_gives_malloc_huge_pages_and_maps_the_file_elsewhere()
    {
        await ImportTinyAsync("tiny");
        var blob = store.PathOf(store.Get("tiny").Files[0]);
        await using var catalog = Catalog();
        var client = await catalog.GetChatClientAsync("tiny");
        await client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(2));
        var pid = client.GetService<RunnerChatClient>()!.RunnerProcessId!.Value;

        // Runners start with glibc's malloc asking for huge pages, which the kernel grants unless its policy is "never"
        // (musl's malloc does not ask, so there only "always" gives them).
        var policy = File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled");
        var musl = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal);
        var hugePages = policy.Contains("[always]", StringComparison.Ordinal) || (policy.Contains("[madvise]", StringComparison.Ordinal) && !musl);
        var mapped = File.ReadAllText($"/proc/{pid}/maps").Contains(Path.GetFullPath(blob), StringComparison.Ordinal);
        Assert.Equal(!hugePages, mapped);
    }

    [Fact]
    public async Task Embeddings_through_a_runner_match_the_in_process_generator()
    {
        await ImportTinyAsync("tiny");
        await using var catalog = Catalog();
        var generator = await catalog.GetEmbeddingGeneratorAsync("tiny");
        // Default options, as the catalog builds it in process and the runner builds it.
        using var inProcess = Strata.Models.Embeddings.LlamaEmbeddingGenerator.FromManifest(store.Get("tiny"), store);

        var remote = await generator.GenerateAsync(["hello world", "tiny model"]);
        var local = await inProcess.GenerateAsync(["hello world", "tiny model"]);

        Assert.Equal(2, remote.Count);
        Assert.Equal(local.Usage?.InputTokenCount, remote.Usage?.InputTokenCount);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(local[i].Vector.ToArray(), remote[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task A_batch_of_MiniLM_embeddings_through_a_runner_is_bit_for_bit_the_in_process_batch()
    {
        // The vectors cross the channel as raw bytes, so nothing may round them; the rest of each embedding crosses as JSON.
        var manifest = await Strata.Models.Embeddings.BuiltInEmbeddingModels.EnsureAsync(store, Strata.Models.Embeddings.BuiltInEmbeddingModels.MiniLm);
        await using var catalog = Catalog();
        var generator = await catalog.GetEmbeddingGeneratorAsync(manifest.Name);
        // Default options, as the catalog builds it in process and the runner builds it.
        using var inProcess = Strata.Models.Embeddings.OnnxEmbeddingGenerator.FromManifest(manifest, store);
        var texts = Enumerable.Range(0, 32).Select(i => $"sentence {i}: " + string.Join(' ', Enumerable.Repeat("a tiny model embeds text", (i % 5) + 1))).ToArray();

        var remote = await generator.GenerateAsync(texts);
        var local = await inProcess.GenerateAsync(texts);

        Assert.Equal(32, remote.Count);
        Assert.Equal(local.Usage?.InputTokenCount, remote.Usage?.InputTokenCount);
        for (var i = 0; i < 32; i++)
        {
            Assert.Equal(384, remote[i].Vector.Length);
            Assert.Equal(System.Runtime.InteropServices.MemoryMarshal.AsBytes(local[i].Vector.Span).ToArray(), System.Runtime.InteropServices.MemoryMarshal.AsBytes(remote[i].Vector.Span).ToArray());
            Assert.Equal(local[i].ModelId, remote[i].ModelId);
            Assert.NotNull(remote[i].CreatedAt);
            Assert.Equal(
                System.Text.Json.JsonSerializer.Serialize(local[i].AdditionalProperties, AIJsonUtilities.DefaultOptions),
                System.Text.Json.JsonSerializer.Serialize(remote[i].AdditionalProperties, AIJsonUtilities.DefaultOptions));
        }
    }

    public void Dispose() => folder.Dispose();

    private ModelCatalog Catalog(int idleSeconds = 300, bool runners = true) => new(
        store,
        new ModelsOptions { Runners = runners, IdleSeconds = idleSeconds, Llama = new LlamaOptions { ContextSize = 512, Threads = 1, MaxParallelSequences = 4 } },
        new TelemetryOptions(),
        []);

    private async Task<string> ImportTinyAsync(string name, TinyLlamaOptions? options = null)
    {
        var path = WriteTiny(options);
        await new ModelImporter(store).ImportAsync(path, name);
        return path;
    }

    private string WriteTiny(TinyLlamaOptions? options = null)
    {
        var path = folder.Combine("tiny.gguf");
        TinyLlamaGguf.Write(path, options);
        return path;
    }
}
