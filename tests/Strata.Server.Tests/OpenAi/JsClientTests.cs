using Strata.TestSupport;
using Xunit.Abstractions;

namespace Strata.Server.Tests.OpenAi;

/// <summary>
/// The JavaScript clients developers use, each its real npm package at a locked version, against a real server with the
/// tiny GGUF and MiniLM: OpenAI's SDK (chat, tools, json_schema, zod, Responses, Completions, embeddings, models, abort),
/// Anthropic's SDK, Ollama's client, LangChain JS and the Vercel AI SDK. Each script (JsClients/*.mjs) runs its checks and
/// exits non-zero naming every one that failed. The packages are installed with <c>npm ci</c> on first use.
/// </summary>
public sealed class JsClientTests(ServerWithModelsFixture fixture, ITestOutputHelper output) : IClassFixture<ServerWithModelsFixture>
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "JsClients");

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    [InlineData("ollama")]
    [InlineData("langchain")]
    [InlineData("aisdk")]
    public void Every_check_of_the_client_passes_against_a_real_server(string client)
    {
        NodePackages.Ensure(Folder, output.WriteLine);
        var baseUrl = fixture.Client.BaseAddress!.ToString().TrimEnd('/');

        var (exitCode, printed) = NodePackages.Run("node", [$"{client}.mjs", baseUrl, ServerWithModelsFixture.ChatModel, "minilm"], Folder, TimeSpan.FromMinutes(5));

        output.WriteLine(printed);
        Assert.True(exitCode == 0, $"{client}: exit {exitCode}\n{printed}");
        Assert.Contains("ok ", printed, StringComparison.Ordinal);
    }
}
