using System.Text.Json;
using Strata.Models.Catalog;
using Strata.Models.Formats.Gguf;
using Strata.Models.TestSupport;

namespace Strata.Cli.Tests;

/// <summary>embed, generate and chat through the real program, on the built-in MiniLM and the tiny test GGUF.</summary>
public sealed class ModelCommandsTests
{
    [Fact]
    public async Task Embed_json_prints_an_openai_shaped_embeddings_response()
    {
        using var strata = new StrataProcess();

        var result = await strata.RunAsync("embed", "-m", "minilm", "--json", "A man is eating food.", "A man is riding a horse.");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var body = JsonDocument.Parse(result.Stdout);
        var data = body.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, data.Count);
        Assert.All(data, item => Assert.Equal(384, item.GetProperty("embedding").GetArrayLength()));
    }

    [Fact]
    public async Task Generate_at_temperature_zero_repeats_itself_and_prints_a_chat_completion()
    {
        using var strata = await WithTinyModelAsync();
        string[] arguments = ["generate", "-m", "tiny", "--temperature", "0", "--seed", "11", "--max-tokens", "10", "--json", "hello world"];

        var first = await strata.RunAsync(arguments);
        var second = await strata.RunAsync(arguments);

        Assert.True(first.ExitCode == 0, first.Stderr);
        using var completion = JsonDocument.Parse(first.Stdout);
        Assert.Equal("chat.completion", completion.RootElement.GetProperty("object").GetString());
        Assert.InRange(completion.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), 1, 10);
        Assert.Equal(
            completion.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(),
            JsonDocument.Parse(second.Stdout).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Generate_with_a_schema_prints_json_valid_against_it()
    {
        using var strata = await WithTinyModelAsync();
        var schema = Path.Combine(strata.Home, "answer.json");
        File.WriteAllText(schema, """{"type":"object","properties":{"answer":{"type":"boolean"}},"required":["answer"]}""");

        var result = await strata.RunAsync("generate", "-m", "tiny", "--seed", "2", "--max-tokens", "60", "--schema", schema, "Is the sky blue?");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var answer = JsonDocument.Parse(result.Stdout);
        Assert.Contains(answer.RootElement.GetProperty("answer").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
    }

    [Fact]
    public async Task Generate_with_a_schema_the_grammar_cannot_enforce_prints_valid_json_or_fails_saying_why()
    {
        using var strata = await WithTinyModelAsync();
        var schema = Path.Combine(strata.Home, "code.json");
        File.WriteAllText(schema, """{"type":"string","pattern":"^zzzzzz$","maxLength":6}""");

        var result = await strata.RunAsync("generate", "-m", "tiny", "--seed", "2", "--max-tokens", "20", "--schema", schema, "Say zzzzzz.");

        // The tiny model practically never writes "zzzzzz": the answer is refused after the allowed attempts, not printed.
        if (result.ExitCode == 0)
        {
            Assert.Equal("\"zzzzzz\"", result.Stdout.Trim());
        }
        else
        {
            Assert.Contains("did not validate against the requested schema", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("\"", result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Chat_answers_each_line_and_reports_tokens_per_second()
    {
        using var strata = await WithTinyModelAsync();
        using var process = strata.Start("chat", "-m", "tiny");
        await process.StandardInput.WriteLineAsync("hello world");
        await process.StandardInput.WriteLineAsync("/reset");
        await process.StandardInput.WriteLineAsync("/exit");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("tokens/s", await stderr, StringComparison.Ordinal);
        Assert.Contains("conversation cleared", await stderr, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(await stdout));
    }

    [Fact]
    public async Task A_chat_session_is_kept_and_continued_by_the_next_run()
    {
        using var strata = await WithTinyModelAsync();

        foreach (var (line, expected) in new[] { ("hello world", (string?)null), ("and again", "1 earlier messages") })
        {
            using var process = strata.Start("chat", "-m", "tiny", "--session", "s1");
            await process.StandardInput.WriteLineAsync(line);
            await process.StandardInput.WriteLineAsync("/exit");
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
            Assert.True(process.ExitCode == 0, await stderr);
            if (expected is not null)
            {
                Assert.Contains(expected, await stderr, StringComparison.Ordinal);
            }
        }

        var saved = File.ReadAllText(Path.Combine(strata.Home, "conversations", "s1.json"));
        Assert.Contains("hello world", saved, StringComparison.Ordinal);
        Assert.Contains("and again", saved, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("generate", "hello")]
    [InlineData("chat")]
    public async Task Without_any_chat_model_chat_and_generate_say_in_one_line_how_to_get_one(params string[] arguments)
    {
        using var strata = new StrataProcess();

        var result = await strata.RunAsync(arguments);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {ChatModelSetup.NoChatModel}", result.Stderr.TrimEnd());
        Assert.Contains("strata pull hf://Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Models:DefaultChat", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task With_a_stored_chat_model_but_no_default_generate_names_the_models_there_are()
    {
        using var strata = await WithTinyModelAsync();

        var result = await strata.RunAsync("generate", "hello");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: No chat model given: pass -m NAME or set Models:DefaultChat (chat models here: tiny).", result.Stderr.TrimEnd());
    }

    private static async Task<StrataProcess> WithTinyModelAsync()
    {
        var strata = new StrataProcess();
        strata.Environment["STRATA__Models__Llama__ContextSize"] = "512";
        var file = Path.Combine(strata.Home, "tiny.gguf");
        TinyLlamaGguf.Write(file, new TinyLlamaOptions { ContextLength = 512 });
        var import = await strata.RunAsync("models", "import", file, "--name", "tiny");
        Assert.True(import.ExitCode == 0, import.Stderr);
        return strata;
    }
}
