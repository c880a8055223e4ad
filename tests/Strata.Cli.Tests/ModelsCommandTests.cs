using System.Text.Json;
using Strata.Models.TestSupport;

namespace Strata.Cli.Tests;

public sealed class ModelsCommandTests
{
    [Fact]
    public async Task List_json_on_an_empty_store_prints_only_the_built_in_model_and_nothing_else()
    {
        using var strata = new StrataProcess();

        var result = await strata.RunAsync("models", "list", "--json");

        Assert.Equal(0, result.ExitCode);
        var entry = Assert.Single(JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray());
        Assert.Equal("minilm", entry.GetProperty("name").GetString());
        Assert.Equal("builtin", entry.GetProperty("location").GetString());
        Assert.Equal("onnx", entry.GetProperty("format").GetString());
    }

    [Fact]
    public async Task List_shows_configured_remote_models_beside_local_ones()
    {
        using var strata = new StrataProcess();
        strata.Environment["STRATA__Providers__ollama__Endpoint"] = "http://127.0.0.1:11434/v1";
        strata.Environment["STRATA__Providers__ollama__Models__0"] = "llama3.2";

        var result = await strata.RunAsync("models", "list", "--json");

        var names = JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Contains("ollama:llama3.2", names);
        Assert.Contains("minilm", names);
    }

    [Fact]
    public async Task Import_then_list_show_and_rm_work_end_to_end()
    {
        using var strata = new StrataProcess();
        var file = Path.Combine(strata.Home, "tiny.gguf");
        TinyLlamaGguf.Write(file);

        var import = await strata.RunAsync("models", "import", file, "--name", "tiny");
        Assert.True(import.ExitCode == 0, import.Stderr);

        var list = await strata.RunAsync("models", "list", "--json");
        var entry = Assert.Single(JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray(), e => e.GetProperty("location").GetString() == "local");
        Assert.Equal("tiny", entry.GetProperty("name").GetString());
        Assert.Equal("gguf", entry.GetProperty("format").GetString());
        Assert.Equal(new FileInfo(file).Length, entry.GetProperty("size").GetInt64());

        var show = await strata.RunAsync("models", "show", "tiny", "--json");
        using var shown = JsonDocument.Parse(show.Stdout);
        Assert.Equal("llama", shown.RootElement.GetProperty("metadata").GetProperty("architecture").GetString());
        Assert.Equal(64, shown.RootElement.GetProperty("files")[0].GetProperty("digest").GetString()!.Length);

        var human = await strata.RunAsync("models", "list");
        Assert.Contains("tiny", human.Stdout, StringComparison.Ordinal);

        var rm = await strata.RunAsync("models", "rm", "tiny");
        Assert.Equal(0, rm.ExitCode);
        Assert.DoesNotContain(
            JsonDocument.Parse((await strata.RunAsync("models", "list", "--json")).Stdout).RootElement.EnumerateArray(),
            e => e.GetProperty("name").GetString() == "tiny");
    }

    [Fact]
    public async Task A_bad_import_fails_with_one_clear_line_and_no_stack_trace()
    {
        using var strata = new StrataProcess();
        var file = Path.Combine(strata.Home, "fake.gguf");
        File.WriteAllText(file, "not a model");

        var result = await strata.RunAsync("models", "import", file, "--name", "fake");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("not a GGUF file", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_and_rm_of_an_unknown_model_say_so()
    {
        using var strata = new StrataProcess();

        var show = await strata.RunAsync("models", "show", "nothing-here");
        var rm = await strata.RunAsync("models", "rm", "nothing-here");

        Assert.Equal(1, show.ExitCode);
        Assert.Contains("No model named 'nothing-here'", show.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, rm.ExitCode);
    }
}
