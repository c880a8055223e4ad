using System.Text.Json;
using Strata.Server;

namespace Strata.Cli.Tests;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_answers_health_and_lists_models_on_loopback()
    {
        using var strata = new StrataProcess();
        var url = $"http://127.0.0.1:{ServerHealth.FreeLoopbackPort()}";
        using var process = strata.Start("serve", "--urls", url);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            await ServerHealth.WaitUntilHealthyAsync(client, process, TimeSpan.FromSeconds(60));

            using var models = JsonDocument.Parse(await client.GetStringAsync(new Uri("/v1/models", UriKind.Relative)));
            Assert.Equal("list", models.RootElement.GetProperty("object").GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Serve_refuses_a_non_loopback_address_without_api_keys()
    {
        using var strata = new StrataProcess();

        var result = await strata.RunAsync("serve", "--urls", "http://0.0.0.0:0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("without API keys", result.Stderr, StringComparison.Ordinal);
    }
}
