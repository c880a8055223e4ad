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
    public async Task Serve_on_an_address_in_use_fails_with_one_clear_line()
    {
        using var strata = new StrataProcess();
        using var occupant = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        occupant.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)occupant.LocalEndpoint).Port}";

        var result = await strata.RunAsync("serve", "--urls", url);

        Assert.Equal(1, result.ExitCode);
        var output = (result.Stdout + result.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(output);
        Assert.Equal($"error: Failed to bind to address {url}: address already in use.", line);
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
