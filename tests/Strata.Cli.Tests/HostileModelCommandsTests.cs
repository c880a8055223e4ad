using Strata.Core;
using Strata.Models.Formats.Gguf;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Cli.Tests;

/// <summary>
/// Hostile model files through the real program: each command prints one error line and exits 1, never a native
/// abort (134) or a backtrace on the terminal, and an import refuses what the runtime cannot load.
/// </summary>
public sealed class HostileModelCommandsTests
{
    [Fact]
    public async Task Generate_and_embed_on_a_model_that_aborts_llama_cpp_print_one_line_and_exit_1()
    {
        using var strata = new StrataProcess();
        strata.Environment["STRATA__Models__Llama__ContextSize"] = "256";
        var file = Path.Combine(strata.Home, "planted.gguf");
        TinyLlamaGguf.WithoutByteTokens(TinyLlamaGguf.Build(new TinyLlamaOptions())).Write(file);
        // Planted past the import gate, as a file copied into the store by hand would be.
        await new ModelImporter(new ModelStore(new StrataPaths(strata.Home))).ImportAsync(file, "planted");

        foreach (var arguments in new[] { new[] { "generate", "-m", "planted", "--max-tokens", "4", "é" }, ["embed", "-m", "planted", "é"] })
        {
            var result = await strata.RunAsync(arguments);

            Assert.True(result.ExitCode == 1, $"{string.Join(' ', arguments)}: exit {result.ExitCode}, {result.Stderr}");
            var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: The runner of model 'planted' was killed by SIGABRT", line, StringComparison.Ordinal);
            Assert.Contains("out_of_range", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Importing_a_model_llama_cpp_cannot_load_prints_its_reason_and_stores_nothing()
    {
        using var strata = new StrataProcess();
        var file = Path.Combine(strata.Home, "future.gguf");
        TinyLlamaGguf.Build(new TinyLlamaOptions()).Set("general.architecture", GgufValue.String("llama-from-the-future")).Write(file);

        var result = await strata.RunAsync("models", "import", file, "--name", "future");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: 'future' was not stored:", line, StringComparison.Ordinal);
        Assert.Contains("unknown model architecture", line, StringComparison.Ordinal);
        Assert.DoesNotContain("future", (await strata.RunAsync("models", "list")).Stdout, StringComparison.Ordinal);
    }
}
