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
    public async Task Serve_listens_on_the_port_given_with_port_as_llama_cpps_server_does()
    {
        using var strata = new StrataProcess();
        var port = ServerHealth.FreeLoopbackPort();
        using var process = strata.Start("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await ServerHealth.WaitUntilHealthyAsync(client, process, TimeSpan.FromSeconds(60));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData(null, null, null, null)]
    [InlineData("http://127.0.0.1:9000", null, null, "http://127.0.0.1:9000")]
    [InlineData(null, null, 9000, "http://127.0.0.1:9000")]
    [InlineData(null, "0.0.0.0", null, "http://0.0.0.0:8080")]
    [InlineData(null, "::1", 9000, "http://[::1]:9000")]
    [InlineData(null, "localhost", 0, "http://localhost:0")]
    public void Host_and_port_make_the_url_urls_would_give(string? urls, string? host, int? port, string? expected) =>
        Assert.Equal(expected, Commands.ServeCommand.ListenUrl(urls, host, port));

    [Theory]
    [InlineData("http://127.0.0.1:9000", null, 9000, "not both")]
    [InlineData(null, null, 70000, "is not a port")]
    [InlineData(null, "a b", null, "is not a host")]
    [InlineData(null, "evil.example/x", null, "is not a host")]
    public void Host_and_port_that_cannot_make_a_url_are_a_clear_error(string? urls, string? host, int? port, string message)
    {
        var error = Assert.Throws<CliUsageException>(() => Commands.ServeCommand.ListenUrl(urls, host, port));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
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
