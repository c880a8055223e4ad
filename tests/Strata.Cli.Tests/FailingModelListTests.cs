using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Core;
using Strata.Core.Options;
using Strata.Models.Catalog;
using Strata.Models.Runners;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Cli.Tests;

/// <summary>
/// A model that a running process (here the test, as a server would) has marked failing is listed as failing, with
/// its reason, by <c>strata models list</c> on the same Strata home, and no longer once that process lets it go.
/// </summary>
public sealed class FailingModelListTests
{
    [Fact]
    public async Task Models_list_shows_a_model_another_process_marked_failing_with_its_reason()
    {
        using var strata = new StrataProcess();
        var store = new ModelStore(new StrataPaths(strata.Home));
        var planted = Path.Combine(strata.Home, "planted.gguf");
        // Planted past the import gate: it loads, then aborts llama.cpp on text it has no piece for.
        TinyLlamaGguf.WithoutByteTokens(TinyLlamaGguf.Build(new TinyLlamaOptions())).Write(planted);
        await new ModelImporter(store).ImportAsync(planted, "planted");
        var tiny = Path.Combine(strata.Home, "tiny.gguf");
        TinyLlamaGguf.Write(tiny);
        await new ModelImporter(store).ImportAsync(tiny, "tiny");
        var catalog = new ModelCatalog(store, new ModelsOptions { Llama = new LlamaOptions { ContextSize = 256, Threads = 1 } }, new TelemetryOptions(), []);
        var client = await catalog.GetChatClientAsync("planted");
        for (var crash = 1; crash <= ModelRunnerHealth.CrashLimit; crash++)
        {
            await Assert.ThrowsAsync<ModelRunnerException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "é")], new ChatOptions { MaxOutputTokens = 2 }));
        }

        var listed = await strata.RunAsync("models", "list", "--json");
        var human = await strata.RunAsync("models", "list");
        await catalog.DisposeAsync();
        var afterwards = await strata.RunAsync("models", "list", "--json");

        Assert.True(listed.ExitCode == 0, listed.Stderr);
        var entries = JsonDocument.Parse(listed.Stdout).RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        var reason = entries["planted"].GetProperty("failing").GetString();
        Assert.Contains("crashed 3 times within 5 minutes", reason, StringComparison.Ordinal);
        Assert.Contains("SIGABRT", reason, StringComparison.Ordinal);
        Assert.False(IsFailing(entries["tiny"]));
        Assert.Contains("planted is failing", human.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("tiny is failing", human.Stdout, StringComparison.Ordinal);
        var after = JsonDocument.Parse(afterwards.Stdout).RootElement.EnumerateArray().Single(e => e.GetProperty("name").GetString() == "planted");
        Assert.False(IsFailing(after));
    }

    // The JSON output leaves nulls out.
    private static bool IsFailing(JsonElement entry) => entry.TryGetProperty("failing", out var failing) && failing.ValueKind != JsonValueKind.Null;
}
