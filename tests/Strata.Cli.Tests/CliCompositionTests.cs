using System.Text.Json;
using Strata.Models.TestSupport;

namespace Strata.Cli.Tests;

/// <summary>
/// The command line runs on the same composition root as the server: its model calls are traced and counted, and a bad
/// configuration value stops it with the key named.
/// </summary>
public sealed class CliCompositionTests
{
    [Fact]
    public async Task Generate_embed_and_ask_leave_spans_and_usage_rows()
    {
        using var strata = new StrataProcess();
        // ask puts its passages and a 512-token answer into one request.
        strata.Environment["STRATA__Models__Llama__ContextSize"] = "2048";
        var model = Path.Combine(strata.Home, "tiny.gguf");
        TinyLlamaGguf.Write(model, new TinyLlamaOptions { ContextLength = 2048 });
        var notes = Path.Combine(strata.Home, "notes.txt");
        File.WriteAllText(notes, "The kettle is in the second cupboard from the left.");
        Assert.Equal(0, (await strata.RunAsync("models", "import", model, "--name", "tiny")).ExitCode);
        Assert.Equal(0, (await strata.RunAsync("ingest", notes, "-c", "notes")).ExitCode);

        var generate = await strata.RunAsync("generate", "-m", "tiny", "--max-tokens", "4", "hello");
        var embed = await strata.RunAsync("embed", "-m", "minilm", "hello");
        var ask = await strata.RunAsync("ask", "-c", "notes", "-m", "tiny", "--json", "Where is the kettle?");
        var traces = await strata.RunAsync("traces", "list", "--json");
        var usage = await strata.RunAsync("usage", "--json");

        Assert.True(generate.ExitCode == 0, generate.Stderr);
        Assert.True(embed.ExitCode == 0, embed.Stderr);
        Assert.True(ask.ExitCode == 0, ask.Stderr);
        // The command prints its own error line; the log stays quiet about it (no stack traces on the terminal).
        Assert.Equal("", generate.Stderr.Trim());
        // Data spans (search, ingestion) carry no model.
        var models = JsonDocument.Parse(traces.Stdout).RootElement.EnumerateArray()
            .Select(span => span.TryGetProperty("model", out var name) ? name.GetString() : null).ToList();
        Assert.Contains("tiny", models);
        Assert.Contains("minilm", models);
        var rows = JsonDocument.Parse(usage.Stdout).RootElement.EnumerateArray().ToDictionary(row => row.GetProperty("model").GetString()!);
        // generate and ask each made one chat call; embed, ingest and ask's retrieval embedded with MiniLM.
        Assert.Equal(2, rows["tiny"].GetProperty("requests").GetInt64());
        Assert.True(rows["tiny"].GetProperty("outputTokens").GetInt64() > 0);
        Assert.True(rows["minilm"].GetProperty("requests").GetInt64() >= 3);
    }

    [Fact]
    public async Task A_value_out_of_range_stops_the_command_with_the_key_named()
    {
        using var strata = new StrataProcess();

        var result = await strata.RunAsync("models", "list", "--set", "Server:MaxOutputTokens=0");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: Server:MaxOutputTokens: ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task A_value_that_does_not_convert_names_the_key_and_the_value()
    {
        using var strata = new StrataProcess();
        strata.Environment["STRATA__Models__Llama__ContextSize"] = "lots";

        var result = await strata.RunAsync("embed", "hello");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Models:Llama:ContextSize: 'lots' is not a valid whole number.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_data_provider_names_its_key()
    {
        using var strata = new StrataProcess();
        strata.Environment["STRATA__Data__Provider"] = "mongo";

        var result = await strata.RunAsync("collections", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Data:Provider: 'mongo' is not known", result.Stderr, StringComparison.Ordinal);
    }
}
